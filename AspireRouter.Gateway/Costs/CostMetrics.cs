using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Telemetry;

namespace AspireRouter.Gateway.Costs;

/// <summary>Cost meters: event delivery, USD spent, and the backpressure the stream's backlog puts on the emitter.</summary>
public sealed class CostMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<double> _usd;
    private long _backlog = -1;
    private int _holdingBack;
    private long _spoolBytes;

    public CostMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _events = meter.CreateCounter<long>("aspirerouter.cost.events", description:
            "Cost events by result: emitted (to Redis), spooled (to disk), replayed (disk to Redis), lost (neither Redis nor the spool could take them), " +
            "held_back (sent to the spool because the stream's backlog is above CostBacklog:Ceiling), over_ceiling (sent to Redis above the ceiling because the spool reached Costs:MaxSpoolBytes).");
        _usd = meter.CreateCounter<double>("aspirerouter.cost.usd", unit: "USD", description: "USD charged by team, category and model.");
        meter.CreateObservableGauge("aspirerouter.cost.stream.backlog", () => Volatile.Read(ref _backlog), "{entry}",
            "Entries of ar:costs the ledger has not committed (unread + pending), as this gateway last measured them (-1 before the first measurement).");
        meter.CreateObservableGauge("aspirerouter.cost.backpressure", () => Volatile.Read(ref _holdingBack), "{state}",
            "1 while this gateway holds cost events back in its spool because the stream's backlog passed CostBacklog:Ceiling, else 0.");
        meter.CreateObservableGauge("aspirerouter.cost.spool.size", () => Volatile.Read(ref _spoolBytes), "By",
            "Bytes of this gateway's cost spool on disk.");
    }

    public void Events(string result, int count) => _events.Add(count, new KeyValuePair<string, object?>("result", result));

    public void Charged(RequestCostRecorded e)
    {
        if (e.CostUsd > 0)
        {
            _usd.Add((double)e.CostUsd, new("team", e.Team), new("category", e.Category), new("model", e.Model ?? "none"));
        }
    }

    /// <summary>The latest backlog measurement and the backpressure state.</summary>
    public void Backpressure(long backlog, bool holdingBack, long spoolBytes)
    {
        Volatile.Write(ref _backlog, backlog);
        Volatile.Write(ref _holdingBack, holdingBack ? 1 : 0);
        Volatile.Write(ref _spoolBytes, spoolBytes);
    }
}
