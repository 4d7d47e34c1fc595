using AspireRouter.Gateway.Classification;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Classification;

public class ClassifierOptionsTests
{
    private static ValidateOptionsResult Validate(ClassifierOptions options)
    {
        var annotations = new ClassifierOptionsValidator().Validate(null, options);
        var rules = new ClassifierOptionsRulesValidator().Validate(null, options);
        return annotations.Failed || rules.Failed
            ? ValidateOptionsResult.Fail((annotations.Failures ?? []).Concat(rules.Failures ?? []))
            : ValidateOptionsResult.Success;
    }

    [Fact]
    public void Defaults_AreValid() => Assert.True(Validate(new ClassifierOptions()).Succeeded);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void CjkShareThreshold_OutsideZeroToOne_FailsQuotingTheValue(double share)
    {
        var result = Validate(new ClassifierOptions { CjkShareThreshold = share });

        Assert.Contains(result.Failures!, f => f.Contains("CjkShareThreshold", StringComparison.Ordinal) && f.Contains($"(got {share})", StringComparison.Ordinal));
    }

    [Fact]
    public void Thresholds_OutOfOrder_FailQuotingBothValues()
    {
        var result = Validate(new ClassifierOptions { ShortPromptTokens = 500, LightMaxPromptTokens = 400, LongDocumentTokens = 300 });

        Assert.Contains("Classifier:ShortPromptTokens (500) must be below LightMaxPromptTokens (400).", result.Failures!);
        Assert.Contains("Classifier:LongDocumentTokens (300) must be above LightMaxPromptTokens (400).", result.Failures!);
    }

    [Fact]
    public void Ranges_AreCheckedByDataAnnotations()
    {
        var result = Validate(new ClassifierOptions { WhyChainCount = 1, CueWindowChars = 10 });

        Assert.Contains(result.Failures!, f => f.Contains("WhyChainCount", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("CueWindowChars", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("*")]
    [InlineData("a*b")]
    [InlineData("ab**")]
    [InlineData(" padded")]
    public void BadCue_Fails(string cue)
    {
        var result = Validate(new ClassifierOptions { LightCues = ["classify", cue] });

        Assert.Contains(result.Failures!, f => f.StartsWith("Classifier:LightCues:1 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Startup_WithABadThreshold_FailsQuotingTheValue()
    {
        var error = Assert.IsType<OptionsValidationException>(StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string> { ["Classifier:CjkShareThreshold"] = "1.5" }),
            factory => factory.CreateClient()));

        Assert.Contains("Classifier:CjkShareThreshold must be above 0 and at most 1 (got 1.5).", error.Message);
    }

    [Theory]
    [InlineData("Classifier:LowConfidenceCategory", "multimodal", "Classifier:LowConfidenceCategory must be light, general or reasoning (got 'multimodal').")]
    [InlineData("Classifier:MinConfidence", "1.5", "MinConfidence")]
    [InlineData("Classifier:TieMargin", "0.9", "TieMargin")]
    public void Startup_WithBadLearnedOptions_Fails(string key, string value, string message)
    {
        var error = Assert.IsType<OptionsValidationException>(StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string> { [key] = value }),
            factory => factory.CreateClient()));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Startup_WithAnUnknownMode_Fails()
    {
        var error = Assert.IsAssignableFrom<InvalidOperationException>(StartupFailure.Of(
            () => new GatewayFactory(new Dictionary<string, string> { ["Classifier:Mode"] = "Sometimes" }),
            factory => factory.CreateClient()));

        Assert.Contains("Sometimes", error.ToString());
    }

    [Theory]
    [InlineData(null, typeof(LearnedClassifier))]
    [InlineData("Learned", typeof(LearnedClassifier))]
    [InlineData("Rules", typeof(RuleBasedClassifier))]
    public void Mode_PicksTheClassifier(string? mode, Type expected)
    {
        using var gateway = new GatewayFactory(mode is null ? null : new Dictionary<string, string> { ["Classifier:Mode"] = mode });

        Assert.IsType(expected, gateway.Services.GetRequiredService<IPromptClassifier>());
    }

    [Fact]
    public void Startup_BindsConfiguredCuesInPlaceOfTheDefaults()
    {
        using var gateway = new GatewayFactory();
        using var factory = gateway.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Classifier:ShortPromptTokens", "8");
            builder.UseSetting("Classifier:ReasoningCues:0", "audit this");
        });

        var options = factory.Services.GetRequiredService<IOptions<ClassifierOptions>>().Value;

        Assert.Equal(8, options.ShortPromptTokens);
        Assert.Equal(["audit this"], options.ReasoningCues);
    }
}
