using AspireRouter.CostLedger.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Routing;

/// <summary>
/// <c>GET /v1/routing</c>: per model and region p50/p95/p99, error rate, breaker, cool-down and last probe, read from
/// the Redis state the gateways and the probe share. Behind the report keys (any valid key: routing is not per team).
/// </summary>
public static class RoutingApi
{
    public static IEndpointRouteBuilder MapRoutingApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Routing").AddEndpointFilter<SchemaReadyFilter>().AddEndpointFilter<ReportScopeFilter>()
            .MapGet("/routing", GetRoutingAsync).WithName("GetRouting")
            .WithSummary("Per model and region: latency percentiles, error rate, breaker state, cool-down and last probe, from the shared Redis state.");
        return app;
    }

    internal static async Task<Results<Ok<RoutingStatus>, JsonHttpResult<ErrorResponse>>> GetRoutingAsync(RoutingStateReader reader, HttpContext context)
    {
        try
        {
            return TypedResults.Ok(await reader.ReadAsync());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            context.Response.Headers.RetryAfter = "5";
            return TypedResults.Json(
                new ErrorResponse(new ErrorBody("The routing state is unavailable: Redis does not answer. Retry shortly.", "api_error", null, "routing_unavailable")),
                AccessJsonContext.Default.ErrorResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
