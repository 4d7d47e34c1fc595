using System.Security.Cryptography;
using System.Text;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Requests;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Apis;

/// <summary>One breaker an operator reset: its region, the state it was in, and whether every instance sees the reset.</summary>
public sealed record BreakerReset(string Region, string Was, bool Shared);

/// <summary>The breakers of one model that were reset.</summary>
public sealed record BreakerResetResult(string Model, IReadOnlyList<BreakerReset> Resets);

/// <summary>
/// <c>POST /v1/admin/breakers/{model}/reset</c>: an operator closes a model's breakers (one region with <c>?region=</c>,
/// else every region it runs in) once its provider is known to be back, instead of waiting for trials. Needs the admin
/// key (<c>Gateway:Auth:AdminKey</c>); without one configured the route refuses every call.
/// </summary>
public static class BreakersAdminApi
{
    public static IEndpointRouteBuilder MapBreakersAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/admin/breakers").WithTags("Admin")
            .MapPost("/{model}/reset", ResetAsync)
            .WithName("ResetBreaker")
            .WithSummary("Closes a model's breakers and ends their cool-downs in every gateway (one region with ?region=); needs the admin key.");
        return app;
    }

    public static async Task<Results<JsonHttpResult<BreakerResetResult>, JsonHttpResult<OpenAiErrorResponse>>> ResetAsync(
        string model, string? region, HttpRequest request, IOptions<ApiKeyOptions> auth, RegistryProvider registry, ICircuitBreakers breakers)
    {
        if (!IsAdmin(request, auth.Value.AdminKey))
        {
            return Error(new RequestError(StatusCodes.Status401Unauthorized, "A valid admin key is required.", "invalid_request_error", null, "invalid_api_key"));
        }

        if (!registry.Current.Models.TryGetValue(model, out var entry))
        {
            return Error(new RequestError(StatusCodes.Status404NotFound, $"The model '{(model.Length > 64 ? model[..64] : model)}' does not exist.", "invalid_request_error", "model", "model_not_found"));
        }

        if (region is not null && !entry.Regions.Contains(region))
        {
            return Error(RequestError.Invalid($"'region' must be one of {string.Join(", ", entry.Regions)} for {entry.Id}.", "region", "invalid_region"));
        }

        List<BreakerReset> resets = [];
        foreach (var each in region is null ? entry.Regions : [region])
        {
            var (before, shared) = await breakers.ResetAsync(entry.Id, each);
            resets.Add(new BreakerReset(each, RouterStatusApi.BreakerName(before.State), shared));
        }

        return TypedResults.Json(new BreakerResetResult(entry.Id, resets), GatewayJsonContext.Default.BreakerResetResult);
    }

    private static JsonHttpResult<OpenAiErrorResponse> Error(RequestError error) =>
        TypedResults.Json(OpenAiErrorResponse.From(error), GatewayJsonContext.Default.OpenAiErrorResponse, statusCode: error.Status);

    /// <summary><c>Authorization: Bearer &lt;admin key&gt;</c>, compared in constant time; never true without a configured key.</summary>
    private static bool IsAdmin(HttpRequest request, string? adminKey)
    {
        var authorization = request.Headers.Authorization.ToString();
        return adminKey is { Length: > 0 }
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization[7..].Trim()), Encoding.UTF8.GetBytes(adminKey));
    }
}
