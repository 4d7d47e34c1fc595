namespace AspireRouter.CostLedger.Routing;

/// <summary>
/// One model in one region as the shared Redis state shows it: total-latency percentiles and error rate over the
/// shared window, the breaker (<c>closed</c>, <c>open</c>, <c>half_open</c>, or <c>cooling_down</c> while a 429's
/// cool-down lasts) and when the health probe last completed a probe of it.
/// </summary>
public sealed record ModelRegionRouting(
    string Model,
    string Provider,
    string Region,
    double? P50Ms,
    double? P95Ms,
    double? P99Ms,
    long Samples,
    double ErrorRate,
    string Breaker,
    DateTimeOffset? OpenUntil,
    DateTimeOffset? CoolingUntil,
    DateTimeOffset? LastFailure,
    DateTimeOffset? ChangedAt,
    DateTimeOffset? LastProbe);

/// <summary>Every registry model in every region it is offered in, read at <paramref name="At"/> over <paramref name="Window"/>.</summary>
public sealed record RoutingStatus(DateTimeOffset At, TimeSpan Window, IReadOnlyList<ModelRegionRouting> Models);
