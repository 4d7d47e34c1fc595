using AspireRouter.HealthProbe.Health;
using AspireRouter.HealthProbe.Probing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace AspireRouter.HealthProbe.Tests.Health;

public sealed class ProbeHealthCheckTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));

    private async Task<HealthStatus> CheckAsync(ProbeState state) =>
        (await new ProbeHealthCheck(state, Microsoft.Extensions.Options.Options.Create(new HealthProbeOptions()), _time)
            .CheckHealthAsync(new HealthCheckContext())).Status;

    [Fact]
    public async Task RecentRound_AndRedisReachable_IsHealthy()
    {
        var state = new ProbeState(_time);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(state));
    }

    [Fact]
    public async Task RedisUnreachable_IsDegraded()
    {
        var state = new ProbeState(_time) { RedisReachable = false };

        Assert.Equal(HealthStatus.Degraded, await CheckAsync(state));
    }

    [Fact]
    public async Task NoRoundWithinRoundStaleAfter_IsDegraded_UntilARoundCompletes()
    {
        var state = new ProbeState(_time);
        _time.Advance(new HealthProbeOptions().RoundStaleAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(HealthStatus.Degraded, await CheckAsync(state));

        state.LastRound = _time.GetUtcNow();

        Assert.Equal(HealthStatus.Healthy, await CheckAsync(state));
    }
}
