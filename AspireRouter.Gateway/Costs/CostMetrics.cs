using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Telemetry;

namespace AspireRouter.Gateway.Costs;

/// <summary>Cost and budget meters: event delivery, USD spent, budget rejections and alerts.</summary>
public sealed class CostMetrics
{
    private readonly Counter<long> _events;
    private readonly Counter<double> _usd;
    private readonly Counter<long> _budgetRejected;
    private readonly Counter<long> _budgetAlerts;

    public CostMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _events = meter.CreateCounter<long>("aspirerouter.cost.events", description: "Cost events by result: emitted (to Redis), spooled (to disk), replayed (disk to Redis), lost (neither Redis nor the spool could take them).");
        _usd = meter.CreateCounter<double>("aspirerouter.cost.usd", unit: "USD", description: "USD charged by team, category and model.");
        _budgetRejected = meter.CreateCounter<long>("aspirerouter.budget.rejected", description: "Requests refused with 429 budget_exceeded, by team and period.");
        _budgetAlerts = meter.CreateCounter<long>("aspirerouter.budget.alerts", description: "Budget thresholds crossed, by team, period and threshold.");
    }

    public void Events(string result, int count) => _events.Add(count, new KeyValuePair<string, object?>("result", result));

    public void Charged(RequestCostRecorded e)
    {
        if (e.CostUsd > 0)
        {
            _usd.Add((double)e.CostUsd, new("team", e.Team), new("category", e.Category), new("model", e.Model ?? "none"));
        }
    }

    public void BudgetRejected(string team, string period) => _budgetRejected.Add(1, new("team", team), new("period", period));

    public void BudgetAlert(string team, string period, double threshold) =>
        _budgetAlerts.Add(1, new("team", team), new("period", period), new("threshold", threshold));
}
