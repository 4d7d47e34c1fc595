using System.Diagnostics.Metrics;

namespace AspireRouter.Gateway.Breakers;

/// <summary>Breaker transitions (counted by the instance that made them) and every breaker's state as a gauge.</summary>
public sealed class BreakerMetrics
{
    public const string MeterName = "AspireRouter.Gateway.Breakers";

    private readonly Meter _meter;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _coolDowns;

    public BreakerMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _transitions = _meter.CreateCounter<long>(
            "aspirerouter.breaker.transitions",
            description: "Breaker state changes by model, region, from and to; each is counted once, by the instance that made it.");
        _coolDowns = _meter.CreateCounter<long>(
            "aspirerouter.cooldowns",
            description: "Rate-limited answers (429) that cooled an endpoint down, by model and region.");
    }

    public void CoolDown(BreakerKey key) => _coolDowns.Add(1, new("model", key.Model), new("region", key.Region));

    public void Transition(BreakerKey key, BreakerState from, BreakerState to) =>
        _transitions.Add(1,
            new("model", key.Model),
            new("region", key.Region),
            new("from", BreakerRecord.StateName(from)),
            new("to", BreakerRecord.StateName(to)));

    /// <summary>
    /// Publishes the state gauge (0 closed, 1 half-open, 2 open) and the cool-down gauge (1 while cooling) from
    /// <paramref name="statuses"/>.
    /// </summary>
    public void ObserveStates(Func<IEnumerable<BreakerStatus>> statuses, TimeProvider time)
    {
        _meter.CreateObservableGauge(
            "aspirerouter.breaker.state",
            () => statuses().Select(s => new Measurement<int>((int)s.State, new("model", s.Key.Model), new("region", s.Key.Region))),
            description: "Breaker state by model and region as this instance sees it: 0 closed, 1 half-open, 2 open.");
        _meter.CreateObservableGauge(
            "aspirerouter.breaker.cooling",
            () => statuses().Select(s => new Measurement<int>(s.IsCooling(time.GetUtcNow()) ? 1 : 0, new("model", s.Key.Model), new("region", s.Key.Region))),
            description: "1 while the endpoint cools down after a 429 (by model and region), else 0.");
    }
}
