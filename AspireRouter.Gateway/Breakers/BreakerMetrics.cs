using System.Diagnostics.Metrics;

namespace AspireRouter.Gateway.Breakers;

/// <summary>Breaker transitions (counted by the instance that made them) and every breaker's state as a gauge.</summary>
public sealed class BreakerMetrics
{
    public const string MeterName = "AspireRouter.Gateway.Breakers";

    private readonly Meter _meter;
    private readonly Counter<long> _transitions;

    public BreakerMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _transitions = _meter.CreateCounter<long>(
            "aspirerouter.breaker.transitions",
            description: "Breaker state changes by model, region, from and to; each is counted once, by the instance that made it.");
    }

    public void Transition(BreakerKey key, BreakerState from, BreakerState to) =>
        _transitions.Add(1,
            new("model", key.Model),
            new("region", key.Region),
            new("from", BreakerRecord.StateName(from)),
            new("to", BreakerRecord.StateName(to)));

    /// <summary>Publishes the state gauge (0 closed, 1 half-open, 2 open) from <paramref name="statuses"/>.</summary>
    public void ObserveStates(Func<IEnumerable<BreakerStatus>> statuses) =>
        _meter.CreateObservableGauge(
            "aspirerouter.breaker.state",
            () => statuses().Select(s => new Measurement<int>((int)s.State, new("model", s.Key.Model), new("region", s.Key.Region))),
            description: "Breaker state by model and region as this instance sees it: 0 closed, 1 half-open, 2 open.");
}
