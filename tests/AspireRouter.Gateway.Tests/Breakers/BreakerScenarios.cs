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
    public async Task FiveFailuresAndNoSuccess_OpenTheBreakerFor30Seconds()
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
        Assert.Equal("5 of 5 attempts failed in the window", breakers.StatusOf().TripReason);
        AssertStore(breakers);
    }

    [Fact]
    public async Task OpensOnEvidence_SevenOfEightOpens_SixOfSevenDoesNot()
    {
        var breakers = await CreateAsync();

        await breakers.SucceedAsync();
        await breakers.FailAsync(6);
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State); // 6 of 7: the lower bound is 0.49

        await breakers.FailAsync();

        Assert.Equal(BreakerState.Open, breakers.StatusOf().State); // 7 of 8: 0.53
        Assert.Equal("7 of 8 attempts failed in the window", breakers.StatusOf().TripReason);
        AssertStore(breakers);
    }

    [Fact]
    public async Task ThirtyPercentFailures_StayInRotation_EvenWithFiveInARow()
    {
        var breakers = await CreateAsync();

        // 600 attempts over ten minutes; every 17th-attempt block has five failures in a row (29 %).
        for (var i = 0; i < 600; i++)
        {
            await (i % 17 >= 12 ? breakers.FailAsync() : breakers.SucceedAsync());
            Time.Advance(TimeSpan.FromSeconds(1));
            if (i % 10 == 0)
            {
                await breakers.SyncAsync(CancellationToken.None);
            }
        }

        var status = breakers.StatusOf();
        Assert.Equal(BreakerState.Closed, status.State);
        Assert.Null(status.ChangedAt); // never tripped
        Assert.InRange(status.FailureRatio, 0.2, 0.4);
        AssertStore(breakers);
    }

    [Fact]
    public async Task FailuresOfAnOldWindow_DoNotAddUp()
    {
        var breakers = await CreateAsync();

        await breakers.FailAsync(4);
        Time.Advance(TimeSpan.FromSeconds(70));
        await breakers.FailAsync(4);

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        Assert.Equal(4, breakers.StatusOf().WindowFailures);
        AssertStore(breakers);
    }

    [Fact]
    public async Task AttemptsStillRunning_CountAsNotFailed_SoFastFailuresAloneDoNotOpenAHalfFailingEndpoint()
    {
        var breakers = await CreateAsync();

        // Ten requests reach the endpoint at once: half of them fail in milliseconds, the others answer later.
        for (var i = 0; i < 10; i++)
        {
            breakers.AttemptStarted(BreakerTestKit.Model, BreakerTestKit.Region);
        }

        for (var i = 0; i < 5; i++)
        {
            breakers.AttemptEnded(BreakerTestKit.Model, BreakerTestKit.Region);
            await breakers.FailAsync();
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State); // 5 failed, 5 still running: the lower bound is 0.24

        for (var i = 0; i < 5; i++)
        {
            breakers.AttemptEnded(BreakerTestKit.Model, BreakerTestKit.Region);
            await breakers.SucceedAsync();
        }

        await breakers.FailAsync(2);
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State); // 7 of 12
        AssertStore(breakers);
    }

    [Fact]
    public async Task AnEndpointThatFailsEveryAttempt_StillOpens_WhileOtherAttemptsRun()
    {
        var breakers = await CreateAsync();
        for (var i = 0; i < 4; i++)
        {
            breakers.AttemptStarted(BreakerTestKit.Model, BreakerTestKit.Region);
        }

        // Four attempts keep running; every one that ends fails. Twelve failures make sure of half against the four.
        await breakers.FailAsync(11);
        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State); // 11 failed, 4 running: the lower bound is 0.48
        await breakers.FailAsync();

        Assert.Equal(BreakerState.Open, breakers.StatusOf().State); // 12 and 4: 0.505
        Assert.Equal("12 of 12 attempts failed in the window", breakers.StatusOf().TripReason);
        AssertStore(breakers);
    }

    [Fact]
    public async Task SuccessesCountedLocally_AreCarriedByTheNextFailure_AndKeepTheRatioDown()
    {
        var breakers = await CreateAsync();

        await breakers.SucceedAsync(30); // the first 20 are written at once (a young window), the rest counted here
        await breakers.FailAsync(6);

        var status = breakers.StatusOf();
        Assert.Equal(BreakerState.Closed, status.State);
        Assert.Equal(30, status.WindowSuccesses); // the failure carried the ten counted here
        Assert.Equal(6, status.WindowFailures);
        AssertStore(breakers);
    }

    [Fact]
    public async Task RateLimited_CoolsTheEndpointDownForItsRetryAfter_WithoutCountingAsAFailure()
    {
        var breakers = await CreateAsync();

        for (var i = 0; i < 10; i++)
        {
            var admission = await breakers.AdmitAsync();
            Assert.True(admission.Allowed);
            await breakers.RecordAsync(admission, BreakerOutcome.RateLimited, TimeSpan.FromSeconds(2));
            Time.Advance(TimeSpan.FromSeconds(2));
        }

        var throttled = await breakers.AdmitAsync();
        Assert.True(throttled.Allowed); // the last cool-down has just ended
        await breakers.RecordAsync(throttled, BreakerOutcome.RateLimited, TimeSpan.FromSeconds(2));

        var cooling = await breakers.AdmitAsync();
        Assert.False(cooling.Allowed);
        Assert.Equal(Time.GetUtcNow().AddSeconds(2), cooling.CoolUntil);
        Assert.Equal($"rate limited, cooling down until {Time.GetUtcNow().AddSeconds(2):O}", cooling.Reason);
        var status = breakers.StatusOf();
        Assert.Equal(BreakerState.Closed, status.State);
        Assert.Equal(0, status.WindowFailures);

        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await breakers.AdmitAsync()).Allowed);
        AssertStore(breakers);
    }

    [Fact]
    public async Task RateLimited_WithoutRetryAfter_CoolsForTheDefaultWithJitter_AndALongRetryAfterIsCapped()
    {
        var breakers = await CreateAsync();

        await breakers.RecordAsync(await breakers.AdmitAsync(), BreakerOutcome.RateLimited);
        var cooling = breakers.StatusOf().CoolUntil!.Value - Time.GetUtcNow();
        Assert.InRange(cooling, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.5));

        Time.Advance(TimeSpan.FromSeconds(2));
        await breakers.RecordAsync(await breakers.AdmitAsync(), BreakerOutcome.RateLimited, TimeSpan.FromHours(1));
        Assert.Equal(Time.GetUtcNow().AddSeconds(60), breakers.StatusOf().CoolUntil);
        AssertStore(breakers);
    }

    [Fact]
    public async Task ACoolDown_SaysWhetherItIsTheProvidersRetryAfter_OrAGuess_UntilTheRetryAfterEnds()
    {
        var breakers = await CreateAsync();

        await breakers.RecordAsync(await breakers.AdmitAsync(), BreakerOutcome.RateLimited);
        var guessed = await breakers.AdmitAsync();
        Assert.False(guessed.Allowed);
        Assert.True(guessed.CoolGuessed);
        Assert.Null(breakers.StatusOf().ToldUntil);

        Time.Advance(TimeSpan.FromSeconds(2));
        await breakers.RecordAsync(await breakers.AdmitAsync(), BreakerOutcome.RateLimited, TimeSpan.FromSeconds(1));
        var told = await breakers.AdmitAsync();
        Assert.False(told.Allowed);
        Assert.False(told.CoolGuessed);
        Assert.Equal(Time.GetUtcNow().AddSeconds(1), breakers.StatusOf().ToldUntil);

        // A guess that outlasts the provider's Retry-After: a Retry-After while it runs, a guess after.
        Time.Advance(TimeSpan.FromSeconds(0.9));
        await breakers.RecordAsync(told with { Allowed = true, CoolUntil = null }, BreakerOutcome.RateLimited);
        Assert.False((await breakers.AdmitAsync()).CoolGuessed);
        Time.Advance(TimeSpan.FromSeconds(0.2));
        var after = await breakers.AdmitAsync();
        Assert.False(after.Allowed); // the guess ends 0.5–1.5 s after it was made
        Assert.True(after.CoolGuessed);
        Assert.True(breakers.StatusOf().IsCoolingOnGuess(Time.GetUtcNow()));
        AssertStore(breakers);
    }

    [Fact]
    public async Task PanicAdmission_TriesAnOpenBreaker_WithoutATrialPermit_AndOnlyCountsInTheWindow()
    {
        var breakers = await CreateAsync();
        await breakers.FailAsync(5);
        Assert.False((await breakers.AdmitAsync()).Allowed);

        var panic = breakers.AdmitInPanic(BreakerTestKit.Model, BreakerTestKit.Region);
        Assert.True(panic.Allowed);
        Assert.True(panic.Panic);
        Assert.False(panic.IsTrial);
        await breakers.RecordAsync(panic, BreakerOutcome.Failure);

        var status = breakers.StatusOf();
        Assert.Equal(BreakerState.Open, status.State);
        Assert.Equal(BreakerTestKit.Start.AddSeconds(30), status.OpenUntil); // not extended
        Assert.Equal(6, status.WindowFailures);
        AssertStore(breakers);
    }

    [Fact]
    public async Task AfterClosing_TheEndpointRampsBackUp_From10To100PercentOfFirstAttempts()
    {
        var breakers = await CreateAsync();
        Assert.Equal(1, breakers.RecoveryShare(BreakerTestKit.Model, BreakerTestKit.Region));
        await breakers.FailAsync(5);
        Time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 3; i++)
        {
            await breakers.RecordAsync(await breakers.AdmitAsync(), BreakerOutcome.Success);
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf().State);
        Assert.Equal(0.1, breakers.RecoveryShare(BreakerTestKit.Model, BreakerTestKit.Region), 3);
        Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0.55, breakers.RecoveryShare(BreakerTestKit.Model, BreakerTestKit.Region), 3);
        Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, breakers.RecoveryShare(BreakerTestKit.Model, BreakerTestKit.Region));
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
