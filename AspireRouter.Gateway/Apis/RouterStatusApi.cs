using AspireRouter.Contracts.Latency;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.Gateway.Apis;

/// <summary>Percentiles of one metric in milliseconds.</summary>
public sealed record PercentilesMs(double P50, double P95, double P99, long Samples)
{
    public static PercentilesMs? From(LatencyStats? stats) => stats is null ? null : new(
        Math.Round(stats.P50.TotalMilliseconds, 2), Math.Round(stats.P95.TotalMilliseconds, 2), Math.Round(stats.P99.TotalMilliseconds, 2), stats.Samples);
}

/// <summary>One model in one region: latency per metric, errors, breaker and last probe.</summary>
public sealed record ModelRegionStatus(
    string Model,
    string Region,
    PercentilesMs? Total,
    PercentilesMs? Ttft,
    PercentilesMs? PerToken,
    double ErrorRate,
    long Samples,
    string Breaker,
    DateTimeOffset? LastProbe,
    IReadOnlyList<string> OverBudgetIn);

/// <summary>The router's view of every model and region.</summary>
public sealed record RouterStatus(string Source, DateTimeOffset? RefreshedAt, TimeSpan Window, IReadOnlyList<ModelRegionStatus> Models);

/// <summary><c>GET /v1/router/status</c>: read-only live latency, error rates and breaker states, as routing sees them.</summary>
public static class RouterStatusApi
{
    public static IEndpointRouteBuilder MapRouterStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1/router").WithTags("Router")
            .MapGet("/status", GetStatus)
            .WithName("GetRouterStatus")
            .WithSummary("Lists p50/p95/p99 (total, TTFT, per output token), error rate, samples, breaker state and last probe per model and region.");
        return app;
    }

    public static JsonHttpResult<RouterStatus> GetStatus(SharedLatencyView latency, ICircuitBreakers breakers, RegistryProvider registry, LatencyWindow window)
    {
        var snapshot = latency.Snapshot;
        var breakerStates = breakers.GetStatuses().ToDictionary(b => (b.Key.Model, b.Key.Region), b => b.State);
        var current = registry.Current;
        List<ModelRegionStatus> models = [];
        foreach (var model in current.Models.Values.OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            foreach (var region in model.Regions)
            {
                var entry = snapshot.Models.GetValueOrDefault((model.Id, region));
                var total = entry?.Total;
                // As routing sees it: only with enough samples (Latency:MinSamples) does a p99 demote a model.
                var routed = latency.Get(model.Id, region);
                var overBudget = routed is null ? [] : current.Categories.Values
                    .Where(c => c.Chain.Contains(model.Id) && routed.P99 > c.LatencyBudget)
                    .Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
                models.Add(new ModelRegionStatus(
                    model.Id,
                    region,
                    PercentilesMs.From(total),
                    PercentilesMs.From(entry?.Ttft),
                    PercentilesMs.From(entry?.PerToken),
                    total?.ErrorRate ?? (entry?.Errors > 0 ? 1 : 0),
                    total?.Samples ?? 0,
                    BreakerName(breakerStates.GetValueOrDefault((model.Id, region))),
                    entry?.LastProbe,
                    overBudget));
            }
        }

        // Through the gateway's JSON context: snake_case like every other gateway response.
        return TypedResults.Json(
            new RouterStatus(
                snapshot.Source == LatencySource.Shared ? "shared" : "local",
                snapshot.At == DateTimeOffset.MinValue ? null : snapshot.At,
                window.Window,
                models),
            GatewayJsonContext.Default.RouterStatus);
    }

    private static string BreakerName(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
