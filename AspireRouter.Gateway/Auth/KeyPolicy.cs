using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// Which categories a key may use; a violation is a 403 in OpenAI's shape. A key's data residency is enforced where
/// every residency is resolved, <see cref="ResidencyRequirement.TryResolve"/> (its <c>fromKey</c>).
/// </summary>
public static class KeyPolicy
{
    public static RequestError? Check(AuthenticatedKey key, RouteTarget target)
    {
        // A concrete model id counts as category "direct": a key limited to categories must list it to pick models itself.
        var category = target.CategoryName;
        if (!key.Allows(category))
        {
            return new RequestError(StatusCodes.Status403Forbidden,
                $"This API key may not use category '{category}' (allowed: {string.Join(", ", key.AllowedCategories)}).",
                "invalid_request_error", "model", "category_not_allowed");
        }

        return null;
    }
}
