using AspireRouter.Gateway.Breakers;
using Microsoft.Extensions.Time.Testing;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>
/// The state machine's behaviour, on a fake clock. Run twice: against the local breakers (C#) and against Redis (the
/// Lua script), which must behave the same.
/// </summary>
public abstract class BreakerScenarios
{
    protected readonly FakeTimeProvider Time = BreakerTestKit.Clock();

    private protected abstract Task<CircuitBreakers> CreateAsync(CircuitBreakerOptions? options = null);

    /// <summary>Checks the scenario ran on the store it claims to (Redis tests must not pass through the fallback).</summary>
    private protected abstract void AssertStore(CircuitBreakers breakers);

    [Fact]
    public async Task FiveConsecutiveFailures_OpenTheBreakerFor30Seconds()
    {
        var breakers = await CreateAsync();

        await breakers.FailAsync(4);
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        Assert.True((await breakers.AdmitAsync()).Allowed);

        await breakers.FailAsync();

        var admission = await breakers.AdmitAsync();
        Assert.False(admission.Allowed);
        Assert.Equal(BreakerState.Open, admission.State);
        Assert.Equal(BreakerTestKit.Start.AddSeconds(30), admission.OpenUntil);
        Assert.Equal($"breaker open until {BreakerTestKit.Start.AddSeconds(30):O}", admission.Reason);
        AssertStore(breakers);
    }

    [Fact]
    public async Task Success_ResetsConsecutiveFailures()
    {
        var breakers = await CreateAsync();

        await breakers.FailAsync(4);
        await breakers.SucceedAsync();
        await breakers.FailAsync(4);

        Assert.True((await breakers.AdmitAsync()).Allowed);
        Assert.Equal(4, breakers.StatusOf().ConsecutiveFailures);
        AssertStore(breakers);
    }

    [Fact]
    public async Task FailureRatio_OpensWithoutFiveInARow_OnceTheWindowHoldsTheMinimumThroughput()
    {
        var breakers = await CreateAsync();

        // Every other attempt fails, one attempt a second: never 5 in a row, but half of the window.
        for (var i = 1; i <= 20; i++)
        {
            await (i % 2 == 1 ? breakers.FailAsync() : breakers.SucceedAsync());
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State); // 10 of 20 but the 20th was a success

        await breakers.FailAsync(); // 11 of 21 ≥ 0.5

        Assert.Equal(BreakerState.Open, breakers.StatusOf().State);
        AssertStore(breakers);
    }

    [Fact]
    public async Task FailureRatio_OldAttemptsLeaveTheWindow()
    {
        var breakers = await CreateAsync();

        // Every other attempt fails, but one every 4 s: the 60 s window never holds 20 attempts.
        for (var i = 1; i <= 40; i++)
        {
            await (i % 2 == 1 ? breakers.FailAsync() : breakers.SucceedAsync());
            Time.Advance(TimeSpan.FromSeconds(4));
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        AssertStore(breakers);
    }

    [Fact]
    public async Task SuccessesCountedLocally_AreFlushedBySync_AndKeepTheRatioDown()
    {
        var breakers = await CreateAsync();

        await breakers.SucceedAsync(10); // clean breaker: counted here, no store call
        await breakers.SyncAsync(CancellationToken.None);
        for (var i = 0; i < 15; i++)
        {
            await breakers.FailAsync();
            await breakers.SucceedAsync();
        }

        // 15 failures against 24 successes. Without the flushed 10 it would have opened at the 11th failure.
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        AssertStore(breakers);
    }

    [Fact]
    public async Task OpenBreaker_StaysOpenUntilItsOpenDuration_ThenAdmitsATrial()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);

        Time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False((await breakers.AdmitAsync()).Allowed);

        Time.Advance(TimeSpan.FromSeconds(0.1));
        var trial = await breakers.AdmitAsync();

        Assert.True(trial.Allowed);
        Assert.True(trial.IsTrial);
        Assert.Equal(BreakerState.HalfOpen, trial.State);
        AssertStore(breakers);
    }

    [Fact]
    public async Task HalfOpen_AdmitsAtMostMaxConcurrentTrials()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));

        var first = await breakers.AdmitAsync();
        var second = await breakers.AdmitAsync();
        var third = await breakers.AdmitAsync();

        Assert.True(first.IsTrial);
        Assert.True(second.IsTrial);
        Assert.NotEqual(first.TrialPermit, second.TrialPermit);
        Assert.False(third.Allowed);
        Assert.Equal("breaker half-open, its trial requests are in flight", third.Reason);

        await breakers.RecordAsync(first, BreakerOutcome.Success);
        var fourth = await breakers.AdmitAsync();
        Assert.True(fourth.IsTrial);
        AssertStore(breakers);
    }

    [Fact]
    public async Task HalfOpen_ClosesAfterThreeSuccessfulTrials()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i == 1 ? BreakerState.Open : BreakerState.HalfOpen, breakers.StatusOf().State);
            var trial = await breakers.AdmitAsync();
            Assert.True(trial.IsTrial);
            await breakers.RecordAsync(trial, BreakerOutcome.Success);
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        var next = await breakers.AdmitAsync();
        Assert.True(next.Allowed);
        Assert.False(next.IsTrial);

        // Closing cleared the window and the count: it takes five new failures to open again.
        await breakers.FailAsync(4);
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        AssertStore(breakers);
    }

    [Fact]
    public async Task FailedTrial_ReopensForTwiceAsLong_UpToTheCap()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);

        var expected = new[] { 60, 120, 240, 300, 300 };
        var open = TimeSpan.FromSeconds(30);
        foreach (var seconds in expected)
        {
            Time.Advance(open);
            var trial = await breakers.AdmitAsync();
            Assert.True(trial.IsTrial);
            await breakers.RecordAsync(trial, BreakerOutcome.Failure);

            var status = breakers.StatusOf();
            Assert.Equal(BreakerState.Open, status.State);
            Assert.Equal(TimeSpan.FromSeconds(seconds), status.OpenDuration);
            Assert.Equal(Time.GetUtcNow().AddSeconds(seconds), status.OpenUntil);
            open = TimeSpan.FromSeconds(seconds);
        }

        AssertStore(breakers);
    }

    [Fact]
    public async Task AbandonedTrial_FreesItsSlot_WithoutCounting()
    {
        var breakers = await CreateAsync(new CircuitBreakerOptions { MaxConcurrentTrials = 1 });
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));

        var trial = await breakers.AdmitAsync();
        Assert.False((await breakers.AdmitAsync()).Allowed);
        await breakers.RecordAsync(trial, BreakerOutcome.Abandoned);

        var next = await breakers.AdmitAsync();
        Assert.True(next.IsTrial);
        Assert.Equal(0, breakers.StatusOf().TrialSuccesses);
        AssertStore(breakers);
    }

    [Fact]
    public async Task LostTrialPermits_AreFreedWhenTheirLeaseEnds()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));
        await breakers.AdmitAsync();
        await breakers.AdmitAsync(); // neither outcome ever comes back

        Time.Advance(TimeSpan.FromSeconds(59));
        await breakers.SyncAsync(CancellationToken.None);
        Assert.False((await breakers.AdmitAsync()).Allowed);

        Time.Advance(TimeSpan.FromSeconds(1));
        await breakers.SyncAsync(CancellationToken.None);
        Assert.True((await breakers.AdmitAsync()).IsTrial);
        AssertStore(breakers);
    }

    [Fact]
    public async Task OutcomesOfAttemptsAdmittedBeforeTheBreakerOpened_DoNotChangeItsState()
    {
        var breakers = await CreateAsync();
        var late = await breakers.AdmitAsync();
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));
        var trial = await breakers.AdmitAsync();

        await breakers.RecordAsync(late, BreakerOutcome.Failure); // not a trial: the half-open breaker ignores it

        Assert.Equal(BreakerState.HalfOpen, breakers.StatusOf().State);
        await breakers.RecordAsync(trial, BreakerOutcome.Success);
        Assert.Equal(1, breakers.StatusOf().TrialSuccesses);
        AssertStore(breakers);
    }
}

/// <summary>The scenarios on the local state machine (C#), as a gateway runs them while Redis is unreachable.</summary>
public sealed class LocalBreakerTests : BreakerScenarios
{
    private protected override Task<CircuitBreakers> CreateAsync(CircuitBreakerOptions? options = null) =>
        Task.FromResult(BreakerTestKit.Local(Time, options));

    private protected override void AssertStore(CircuitBreakers breakers) => Assert.False(breakers.IsShared);
}
