using AspireRouter.Gateway.Breakers;

namespace AspireRouter.Gateway.Tests.Breakers;

public sealed class CircuitBreakerOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndFollowTheSeed()
    {
        var options = new CircuitBreakerOptions();

        Assert.True(new CircuitBreakerOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new CircuitBreakerOptionsRulesValidator().Validate(null, options).Succeeded);
        Assert.Equal(5, options.FailureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), options.OpenDuration);
        Assert.Equal(TimeSpan.FromSeconds(60), options.SamplingWindow);
    }

    [Fact]
    public void OutOfRangeNumbers_AreRejected()
    {
        var result = new CircuitBreakerOptionsValidator().Validate(null, new CircuitBreakerOptions { FailureThreshold = 0, FailureRatio = 1.5 });

        Assert.True(result.Failed);
        Assert.Contains("FailureThreshold", result.FailureMessage);
        Assert.Contains("FailureRatio", result.FailureMessage);
    }

    [Fact]
    public void CrossFieldRules_QuoteTheBadValues()
    {
        var result = new CircuitBreakerOptionsRulesValidator().Validate(null, new CircuitBreakerOptions
        {
            OpenDuration = TimeSpan.FromMinutes(10),
            MaxOpenDuration = TimeSpan.FromMinutes(5),
            MaxConcurrentTrials = 4,
            SuccessesToClose = 3,
            SamplingWindow = TimeSpan.FromMilliseconds(100),
        });

        Assert.True(result.Failed);
        Assert.Contains("OpenDuration (00:10:00) must be positive and not above MaxOpenDuration (00:05:00)", result.FailureMessage);
        Assert.Contains("MaxConcurrentTrials (4) must not exceed SuccessesToClose (3)", result.FailureMessage);
        Assert.Contains("SamplingWindow", result.FailureMessage);
    }
}

public sealed class CircuitBreakerStartupTests
{
    [Fact]
    public void InvalidOptions_StopTheGatewayAtStartUp()
    {
        var failure = StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string> { ["CircuitBreaker:MaxConcurrentTrials"] = "5" }),
            factory => factory.CreateClient());

        var error = Assert.IsAssignableFrom<Microsoft.Extensions.Options.OptionsValidationException>(failure);

        Assert.Contains("MaxConcurrentTrials (5) must not exceed SuccessesToClose (3)", error.Message);
    }
}
