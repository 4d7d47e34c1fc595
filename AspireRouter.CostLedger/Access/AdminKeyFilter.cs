using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Access;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;admin key&gt;</c>, compared in constant time.</summary>
public sealed class AdminKeyFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        IsAdmin(context.HttpContext.Request, options.Value)
            ? next(context)
            : ValueTask.FromResult<object?>(TypedResults.Json(
                new ErrorResponse(new ErrorBody("A valid admin key is required.", "invalid_request_error", null, "invalid_api_key")),
                AccessJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status401Unauthorized));

    public static bool IsAdmin(HttpRequest request, AdminOptions options)
    {
        var authorization = request.Headers.Authorization.ToString();
        return options.Key is { Length: > 0 } key
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[7..].Trim()), Encoding.UTF8.GetBytes(key));
    }
}
