using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Telemetry;

namespace AspireRouter.Gateway.Costs;

/// <summary>Cost meters: event delivery and USD spent.</summary>
public sealed class CostMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<double> _usd;

    public CostMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _events = meter.CreateCounter<long>("aspirerouter.cost.events", description: "Cost events by result: emitted (to Redis), spooled (to disk), replayed (disk to Redis), lost (neither Redis nor the spool could take them).");
        _usd = meter.CreateCounter<double>("aspirerouter.cost.usd", unit: "USD", description: "USD charged by team, category and model.");
    }

    public void Events(string result, int count) => _events.Add(count, new KeyValuePair<string, object?>("result", result));

    public void Charged(RequestCostRecorded e)
    {
        if (e.CostUsd > 0)
        {
            _usd.Add((double)e.CostUsd, new("team", e.Team), new("category", e.Category), new("model", e.Model ?? "none"));
        }
    }
}
