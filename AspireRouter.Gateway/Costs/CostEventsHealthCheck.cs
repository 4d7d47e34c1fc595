using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Degraded while a cost event was lost within <see cref="CostOptions.LossAlertWindow"/>: the gateway still serves,
/// but some of its requests have no ledger row. Never Unhealthy: losing cost records is no reason to stop answering.
/// </summary>
public sealed class CostEventsHealthCheck(CostLoss loss, IOptionsMonitor<CostOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = loss.LastLossAt is { } last && time.GetUtcNow() - last < options.CurrentValue.LossAlertWindow
            ? HealthCheckResult.Degraded($"{loss.Total} cost event(s) lost since start, the last at {last:O}: neither Redis nor the spool could take them.")
            : HealthCheckResult.Healthy();
        return Task.FromResult(result);
    }
}
