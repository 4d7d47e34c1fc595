using AspireRouter.Gateway.Resilience;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireRouter.Gateway.Tests.Resilience;

/// <summary>The adaptive retry throttle on a fake clock: requests against accepts, K = 3, a 60 s window.</summary>
public sealed class RetryThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    private RetryThrottle Create(RetryThrottleOptions? options = null) => new(Options.Create(options ?? new RetryThrottleOptions()), _time);

    private static void Attempts(RetryThrottle throttle, int accepted, int failed)
    {
        for (var i = 0; i < accepted; i++)
        {
            throttle.OnAttempt("light", accepted: true);
        }

        for (var i = 0; i < failed; i++)
        {
            throttle.OnAttempt("light", accepted: false);
        }
    }

    [Fact]
    public void AQuietCategory_IsNeverThrottled()
    {
        var throttle = Create();
        Attempts(throttle, accepted: 0, failed: 19);

        Assert.True(throttle.AllowExtra("light", random: 0));
        Assert.Equal(0, Assert.Single(throttle.Snapshot()).RefusalProbability);
    }

    [Fact]
    public void EveryAttemptFailing_RefusesAlmostEveryExtraAttempt()
    {
        var throttle = Create();
        Attempts(throttle, accepted: 0, failed: 100);

        Assert.False(throttle.AllowExtra("light", random: 0.98));
        var status = Assert.Single(throttle.Snapshot());
        Assert.Equal(101, status.Attempts); // the refused one counts as an attempt not accepted
        Assert.Equal(1, status.Refused);
        Assert.Equal(101.0 / 102, status.RefusalProbability, 6);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.6)]
    public void RetriesThatStillSucceed_KeepFlowing(double errorRate)
    {
        // Each request retries until it succeeds: 1 / (1 − p) attempts per accepted one, under K = 3 up to p = 2/3.
        var throttle = Create();
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            throttle.OnAttempt("light", accepted: random.NextDouble() >= errorRate);
        }

        Assert.Equal(0, Assert.Single(throttle.Snapshot()).RefusalProbability);
        Assert.True(throttle.AllowExtra("light", random: 0));
    }

    [Fact]
    public void RefusalProbability_FollowsTheSreFormula()
    {
        var throttle = Create();
        Attempts(throttle, accepted: 20, failed: 80); // 100 attempts, 3 × 20 accepts

        Assert.Equal((100 - 60) / 101.0, Assert.Single(throttle.Snapshot()).RefusalProbability, 6);
        Assert.True(throttle.AllowExtra("light", random: 0.5)); // 0.396: a roll above it goes
        Assert.False(throttle.AllowExtra("light", random: 0.3));
    }

    [Fact]
    public void TheWindowSlides_AndARecoveredProviderIsRetriedAgain()
    {
        var throttle = Create();
        Attempts(throttle, accepted: 0, failed: 100);
        Assert.False(throttle.AllowExtra("light", random: 0.5));

        _time.Advance(TimeSpan.FromSeconds(70));

        Assert.True(throttle.AllowExtra("light", random: 0));
        Assert.Empty(throttle.Snapshot());
    }

    [Fact]
    public void Categories_AreThrottledApart()
    {
        var throttle = Create();
        Attempts(throttle, accepted: 0, failed: 100);

        Assert.True(throttle.AllowExtra("general", random: 0));
    }

    [Fact]
    public void Disabled_RefusesNothing()
    {
        var throttle = Create(new RetryThrottleOptions { Enabled = false });
        Attempts(throttle, accepted: 0, failed: 100);

        Assert.True(throttle.AllowExtra("light", random: 0));
    }

    [Fact]
    public void Options_AreValidated()
    {
        var errors = new RetryThrottleOptionsRulesValidator().Validate(null, new RetryThrottleOptions { Window = TimeSpan.FromMilliseconds(10) });
        Assert.Contains("RetryThrottle:Window", errors.FailureMessage);
        Assert.True(new RetryThrottleOptionsValidator().Validate(null, new RetryThrottleOptions { K = 0.5 }).Failed);
        Assert.True(new RetryThrottleOptionsValidator().Validate(null, new RetryThrottleOptions()).Succeeded);
    }
}
