using AspireRouter.HealthProbe.Probing;

namespace AspireRouter.HealthProbe.Tests.Probing;

public sealed class ProbeSchedulerTests
{
    private static readonly HealthProbeOptions Options = new()
    {
        Interval = TimeSpan.FromSeconds(15),
        FastInterval = TimeSpan.FromSeconds(3),
        MinIntervalPerModel = TimeSpan.FromSeconds(2),
    };

    private static readonly (string, string)[] Targets = [("a", "global"), ("b", "global")];
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static ProbeResult Ok(double totalMs) => new(true, TimeSpan.FromMilliseconds(totalMs / 2), TimeSpan.FromMilliseconds(totalMs), 16, null);

    [Fact]
    public void NewTargets_AreDueAtOnce_AndNotTwiceWhileInFlight()
    {
        var scheduler = new ProbeScheduler(Options);

        Assert.Equal(2, scheduler.TakeDue(Targets, Now, limit: 10).Count);
        Assert.Empty(scheduler.TakeDue(Targets, Now, limit: 10));
    }

    [Fact]
    public void Concurrency_Limit_IsHonoured()
    {
        var scheduler = new ProbeScheduler(Options);

        Assert.Single(scheduler.TakeDue(Targets, Now, limit: 1));
    }

    [Fact]
    public void HealthySteadyModel_WaitsTheInterval_AndTwoProbesCloseARound()
    {
        var scheduler = new ProbeScheduler(Options);
        scheduler.TakeDue(Targets, Now, 10);

        var first = scheduler.Completed(Targets[0], Now, Ok(300), breakerOpen: false, Targets);
        var second = scheduler.Completed(Targets[1], Now, Ok(300), breakerOpen: false, Targets);

        Assert.Equal((TimeSpan.FromSeconds(15), false, false), first);
        Assert.Equal((TimeSpan.FromSeconds(15), false, true), second);
        Assert.Empty(scheduler.TakeDue(Targets, Now + TimeSpan.FromSeconds(14), 10));
        Assert.Equal(2, scheduler.TakeDue(Targets, Now + TimeSpan.FromSeconds(15), 10).Count);
    }

    [Fact]
    public void FailedProbe_OpenBreaker_OrMovedLatency_ProbeFaster()
    {
        var scheduler = new ProbeScheduler(Options);
        scheduler.TakeDue(Targets, Now, 10);

        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.Completed(Targets[0], Now, ProbeResult.Failed("503"), false, Targets).Next);
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.Completed(Targets[1], Now, Ok(300), breakerOpen: true, Targets).Next);

        scheduler.TakeDue(Targets, Now + TimeSpan.FromSeconds(3), 10);
        Assert.Equal(TimeSpan.FromSeconds(15), scheduler.Completed(Targets[1], Now, Ok(310), false, Targets).Next);
        scheduler.TakeDue(Targets, Now + TimeSpan.FromSeconds(30), 10);
        Assert.Equal(TimeSpan.FromSeconds(3), scheduler.Completed(Targets[1], Now, Ok(1500), false, Targets).Next);
    }

    [Fact]
    public void PerModelCap_BoundsTheFastInterval()
    {
        var scheduler = new ProbeScheduler(new HealthProbeOptions { FastInterval = TimeSpan.FromMilliseconds(500), MinIntervalPerModel = TimeSpan.FromSeconds(1) });
        scheduler.TakeDue(Targets, Now, 10);

        Assert.Equal(TimeSpan.FromSeconds(1), scheduler.Completed(Targets[0], Now, ProbeResult.Failed("timeout"), false, Targets).Next);
    }

    [Fact]
    public void Options_Defaults_AreValid_AndBadCombinationsAreRejectedWithTheirValues()
    {
        Assert.True(new HealthProbeRulesValidator().Validate(null, new HealthProbeOptions()).Succeeded);
        Assert.True(new HealthProbeOptionsValidator().Validate(null, new HealthProbeOptions()).Succeeded);

        var result = new HealthProbeRulesValidator().Validate(null, new HealthProbeOptions
        {
            FastInterval = TimeSpan.FromMinutes(1),
            LeaseTime = TimeSpan.FromMilliseconds(10),
        });

        Assert.False(result.Succeeded);
        Assert.Contains("00:01:00", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("LeaseTime", result.FailureMessage, StringComparison.Ordinal);
    }
}
