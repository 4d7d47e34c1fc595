using System.Diagnostics.Metrics;
using AspireRouter.Gateway.Telemetry;

namespace AspireRouter.Gateway.Budgets;

/// <summary>Budget meters: requests refused for their budget, thresholds crossed.</summary>
public sealed class BudgetMetrics
{
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _alerts;

    public BudgetMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _rejected = meter.CreateCounter<long>("aspirerouter.budget.rejected", description: "Requests refused with 429 budget_exceeded, by team and period.");
        _alerts = meter.CreateCounter<long>("aspirerouter.budget.alerts", description: "Budget thresholds crossed, by team, period and threshold.");
    }

    public void Rejected(string team, string period) => _rejected.Add(1, new("team", team), new("period", period));

    public void Alert(string team, string period, double threshold) =>
        _alerts.Add(1, new("team", team), new("period", period), new("threshold", threshold));
}
