using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Ingestion progress on <c>/health</c>. Unhealthy when rows are not being written: the oldest pending entry is older
/// than <see cref="IngestionOptions.PendingUnhealthyAfter"/>, or a backlog has not moved for
/// <see cref="IngestionOptions.StalledUnhealthyAfter"/> (PostgreSQL down, a consumer stuck or gone). Degraded when the
/// ledger is behind (<see cref="IngestionLag"/>: the backlog's length or its oldest entry's age) or Redis does not answer.
/// </summary>
internal sealed class IngestionHealthCheck(IConnectionMultiplexer redis, IngestionProgress progress, TimeProvider time, IOptions<IngestionOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        BacklogSnapshot backlog;
        try
        {
            backlog = await StreamBacklog.MeasureAsync(redis.GetDatabase()).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis did not answer XINFO GROUPS; events wait in the gateways' spools.", ex);
        }

        var now = time.GetUtcNow();
        var stalled = progress.Observe(backlog, now);
        var oldest = backlog.OldestPendingAge(now);
        var data = new Dictionary<string, object>
        {
            ["lag"] = backlog.Lag,
            ["pending"] = backlog.Pending,
            ["oldestPendingSeconds"] = Math.Round(Math.Max(0, oldest?.TotalSeconds ?? 0), 1),
            ["oldestUnconsumedSeconds"] = Math.Round(Math.Max(0, backlog.OldestUnconsumedAge(now)?.TotalSeconds ?? 0), 1),
            ["stalledSeconds"] = Math.Round(stalled.TotalSeconds, 1),
        };
        var settings = options.Value;
        var state = $"{backlog.Lag} unread + {backlog.Pending} pending";
        if (oldest >= settings.PendingUnhealthyAfter)
        {
            return HealthCheckResult.Unhealthy(
                $"The oldest pending cost event is {IngestionLag.Seconds(oldest.Value)} old (limit {IngestionLag.Seconds(settings.PendingUnhealthyAfter)}): its row is not committed ({state}).", data: data);
        }

        if (backlog.Total > 0 && stalled >= settings.StalledUnhealthyAfter)
        {
            return HealthCheckResult.Unhealthy(
                $"Ingestion has made no progress for {IngestionLag.Seconds(stalled)} (limit {IngestionLag.Seconds(settings.StalledUnhealthyAfter)}) with {state}.", data: data);
        }

        return IngestionLag.Behind(backlog, now, settings) is { } behind
            ? HealthCheckResult.Degraded($"The ledger is behind: {behind} ({state}).", data: data)
            : HealthCheckResult.Healthy($"Stream backlog {state}.", data);
    }
}
