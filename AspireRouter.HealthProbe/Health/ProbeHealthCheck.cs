using AspireRouter.HealthProbe.Probing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AspireRouter.HealthProbe.Health;

/// <summary>Degraded when Redis cannot be reached or no round of every model and region completed recently (by any replica).</summary>
public sealed class ProbeHealthCheck(ProbeState state, IOptions<HealthProbeOptions> options, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["leader"] = state.IsLeader,
            ["lastRound"] = state.LastRound.ToString("O"),
        };
        var age = time.GetUtcNow() - state.LastRound;
        return Task.FromResult(
            !state.RedisReachable ? HealthCheckResult.Degraded("Redis cannot be reached.", data: data)
            : age > options.Value.RoundStaleAfter ? HealthCheckResult.Degraded($"No probe round completed for {age:g}.", data: data)
            : HealthCheckResult.Healthy(state.IsLeader ? "Leader, probing." : "Standby.", data));
    }
}
