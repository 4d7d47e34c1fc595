using AspireRouter.Contracts.Latency;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Resilience;
using Microsoft.AspNetCore.Http.HttpResults;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Apis;

/// <summary>Percentiles of one metric in milliseconds.</summary>
public sealed record PercentilesMs(double P50, double P95, double P99, long Samples)
{
    public static PercentilesMs? From(LatencyStats? stats) => stats is null ? null : new(
        Math.Round(stats.P50.TotalMilliseconds, 2), Math.Round(stats.P95.TotalMilliseconds, 2), Math.Round(stats.P99.TotalMilliseconds, 2), stats.Samples);
}

/// <summary>
/// One model in one region: latency per metric, errors, breaker and last probe. <c>Breaker</c> is <c>closed</c>,
/// <c>open</c>, <c>half_open</c>, or <c>cooling_down</c> while a 429's cool-down lasts; <c>BreakerDetail</c> says why,
/// since when, until when, and what the window holds.
/// </summary>
public sealed record ModelRegionStatus(
    string Model,
    string Region,
    PercentilesMs? Total,
    PercentilesMs? Ttft,
    PercentilesMs? PerToken,
    double ErrorRate,
    long Samples,
    string Breaker,
    BreakerDetail BreakerDetail,
    DateTimeOffset? LastProbe,
    IReadOnlyList<string> OverBudgetIn);

/// <summary>A breaker as routing sees it.</summary>
/// <param name="State"><c>closed</c>, <c>open</c> or <c>half_open</c>.</param>
/// <param name="Reason">Why it is out: the evidence it opened on, a failed trial, or the rate limit; null when it is in.</param>
/// <param name="OpenUntil">When an open breaker admits trials.</param>
/// <param name="CoolingUntil">When a rate-limited endpoint's cool-down ends.</param>
/// <param name="WindowFailures">Failed attempts in the window.</param>
/// <param name="WindowSuccesses">Successful attempts in the window (as far as they reached the shared store).</param>
/// <param name="TrialsInFlight">Half-open trial requests in flight.</param>
/// <param name="RecoveryShare">Share of first attempts it takes while ramping up after closing (1 when not ramping).</param>
/// <param name="ChangedAt">When the state last changed.</param>
public sealed record BreakerDetail(
    string State,
    string? Reason,
    DateTimeOffset? OpenUntil,
    DateTimeOffset? CoolingUntil,
    long WindowFailures,
    long WindowSuccesses,
    int TrialsInFlight,
    double RecoveryShare,
    DateTimeOffset? ChangedAt);

/// <summary>
/// The router's view of every model and region, and per category (or <c>direct:{model}</c>) this instance's retry
/// throttle: attempts, accepts, refusals and panic attempts in the throttle's window.
/// </summary>
public sealed record RouterStatus(
    string Source,
    DateTimeOffset? RefreshedAt,
    TimeSpan Window,
    IReadOnlyList<ModelRegionStatus> Models,
    IReadOnlyList<ThrottleStatus> Throttles);

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

    public static JsonHttpResult<RouterStatus> GetStatus(
        SharedLatencyView latency, ICircuitBreakers breakers, RetryThrottle throttle, RegistryProvider registry, LatencyWindow window, TimeProvider time)
    {
        var snapshot = latency.Snapshot;
        var now = time.GetUtcNow();
        var current = registry.Current;
        List<ModelRegionStatus> models = [];
        foreach (var model in current.Models.Values.OrderBy(m => m.Id, StringComparer.Ordinal))
        {
            foreach (var region in model.Regions)
            {
                var entry = snapshot.Models.GetValueOrDefault((model.Id, region));
                var breaker = breakers.StatusOf(model.Id, region);
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
                    breaker.IsCooling(now) && breaker.State == BreakerState.Closed ? "cooling_down" : BreakerName(breaker.State),
                    Detail(breaker, breakers.RecoveryShare(model.Id, region), now),
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
                models,
                throttle.Snapshot()),
            GatewayJsonContext.Default.RouterStatus);
    }

    private static BreakerDetail Detail(BreakerStatus breaker, double recoveryShare, DateTimeOffset now) => new(
        BreakerName(breaker.State),
        breaker.IsCooling(now)
            ? $"rate limited (429), cooling down for {breaker.CoolDuration.TotalSeconds:0.###} s ({(breaker.IsCoolingOnGuess(now) ? "a guess: no Retry-After" : "the provider's Retry-After")})"
            : breaker.TripReason,
        breaker.OpenUntil,
        breaker.IsCooling(now) ? breaker.CoolUntil : null,
        breaker.WindowFailures,
        breaker.WindowSuccesses,
        breaker.TrialsInFlight,
        Math.Round(recoveryShare, 3),
        breaker.ChangedAt);

    internal static string BreakerName(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}
