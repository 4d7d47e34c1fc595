using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Auth;

/// <summary>What a key may ask for: its categories and its data residency. Violations are 403s in OpenAI's shape.</summary>
public static class KeyPolicy
{
    /// <summary>The request header of data residency (issue 6); a key bound to a residency may not ask for another.</summary>
    public const string ResidencyHeader = Routing.ResidencyRequirement.Header;

    public static RequestError? Check(AuthenticatedKey key, RouteTarget target, IHeaderDictionary headers)
    {
        // A concrete model id counts as category "direct": a key limited to categories must list it to pick models itself.
        var category = target.CategoryName;
        if (!key.Allows(category))
        {
            return new RequestError(StatusCodes.Status403Forbidden,
                $"This API key may not use category '{category}' (allowed: {string.Join(", ", key.AllowedCategories)}).",
                "invalid_request_error", "model", "category_not_allowed");
        }

        var residency = headers[ResidencyHeader].ToString();
        if (key.Residency is { } required && residency.Length > 0 && !string.Equals(residency, required, StringComparison.OrdinalIgnoreCase))
        {
            return new RequestError(StatusCodes.Status403Forbidden,
                $"This API key keeps every request in residency '{required}'; '{Truncate(residency)}' is not allowed.",
                "invalid_request_error", ResidencyHeader, "residency_not_allowed");
        }

        return null;
    }

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
