using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>The consumer group's backlog from <c>XINFO GROUPS</c>: entries not read yet (lag) and read but not acknowledged.</summary>
internal static class StreamBacklog
{
    public static async Task<(long Lag, long Pending)> MeasureAsync(IDatabase db)
    {
        if (!await db.KeyExistsAsync(CostStream.Name))
        {
            return (0, 0);
        }

        foreach (var group in await db.StreamGroupInfoAsync(CostStream.Name))
        {
            if (group.Name == CostStream.ConsumerGroup)
            {
                // Lag is unknown to Redis after some deletions; then count the whole stream as a conservative bound.
                var lag = group.Lag ?? await db.StreamLengthAsync(CostStream.Name);
                return (lag, group.PendingMessageCount);
            }
        }

        return (await db.StreamLengthAsync(CostStream.Name), 0);
    }
}

/// <summary>Reports the stream backlog; Degraded past <see cref="IngestionOptions.LagDegradedThreshold"/> or when Redis does not answer.</summary>
internal sealed class StreamLagHealthCheck(IConnectionMultiplexer redis, IOptions<IngestionOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var (lag, pending) = await StreamBacklog.MeasureAsync(redis.GetDatabase()).WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            var data = new Dictionary<string, object> { ["lag"] = lag, ["pending"] = pending };
            var threshold = options.Value.LagDegradedThreshold;
            return lag + pending > threshold
                ? HealthCheckResult.Degraded($"Stream backlog {lag} unread + {pending} pending exceeds {threshold}.", data: data)
                : HealthCheckResult.Healthy($"Stream backlog {lag} unread + {pending} pending.", data);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis did not answer XINFO GROUPS; events wait in the gateways' spools.", ex);
        }
    }
}
