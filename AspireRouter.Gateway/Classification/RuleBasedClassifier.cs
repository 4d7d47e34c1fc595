using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// Picks a category from cheap features of the request; the first rule that fires wins:
/// images → multimodal; Han share of the prompt or of its instruction → regional-cn; reasoning cues, why chains,
/// math, a long document with a hard question → reasoning; light cues on a small prompt → light; a question full of
/// amounts → reasoning; code or general cues → general; a tiny max_tokens, JSON output, a short prompt or a short
/// instruction on a short payload → light; anything else → general.
/// </summary>
public sealed class RuleBasedClassifier : FeatureClassifier
{    private readonly CueSet _reasoning;
    private readonly CueSet _light;
    private readonly CueSet _general;
    private readonly CueSet _hardQuestion;
    private readonly CueSet _why;

    public RuleBasedClassifier(IOptions<ClassifierOptions> options, ILogger<RuleBasedClassifier> logger)
        : this(options, new CueSets(options.Value), logger)
    {
    }

    public RuleBasedClassifier(IOptions<ClassifierOptions> options, CueSets cues, ILogger<RuleBasedClassifier> logger)
        : base(options.Value, logger)
    {
        (_reasoning, _light, _general, _hardQuestion, _why) = (cues.Reasoning, cues.Light, cues.General, cues.HardQuestions, cues.Why);
    }

    /// <summary>Applies the cue rules, first match wins.</summary>
    protected override ClassificationResult ClassifyText(PromptFeatures features)
    {
        var o = Options;
        var text = features.LastUserText.Span;
        var hasCode = HardSignals.HasCode(features, o);
        if (_reasoning.FindFirst(text) is { } reasoningCue)
        {
            return Result(WorkloadCategories.Reasoning, $"reasoning cue {Quote(reasoningCue)}");
        }

        if (_why.Count(text) is var whys && whys >= o.WhyChainCount)
        {
            return Result(WorkloadCategories.Reasoning, $"why chain ({whys})");
        }

        if (!hasCode && features.MathSymbols >= o.MathSymbolThreshold)
        {
            return Result(WorkloadCategories.Reasoning, $"{features.MathSymbols} math symbols");
        }

        var tokens = features.PromptTokens;
        if (tokens >= o.LongDocumentTokens && _hardQuestion.FindFirst(text) is { } question)
        {
            return Result(WorkloadCategories.Reasoning, $"long document ({tokens} tokens), hard-question cue {Quote(question)}");
        }

        var lightAllowed = HardSignals.LightAllowed(features, o);
        if (lightAllowed && (_light.FindFirst(text) ?? _light.FindFirst(features.SystemText.Span)) is { } lightCue)
        {
            return Result(WorkloadCategories.Light, $"light cue {Quote(lightCue)}");
        }

        if (!hasCode && features.HasQuestion && features.Numbers >= o.QuantitativeNumbers && features.QuantitySymbols >= o.QuantitySymbolThreshold)
        {
            return Result(WorkloadCategories.Reasoning, $"quantitative question ({features.Numbers} numbers)");
        }

        if (hasCode)
        {
            return Result(WorkloadCategories.General, "code");
        }

        if (_general.FindFirst(text) is { } generalCue)
        {
            return Result(WorkloadCategories.General, $"general cue {Quote(generalCue)}");
        }

        if (lightAllowed && features.MaxTokens <= o.LightMaxOutputTokens)
        {
            return Result(WorkloadCategories.Light, $"max_tokens {features.MaxTokens}");
        }

        if (lightAllowed && features.NeedsJsonMode)
        {
            return Result(WorkloadCategories.Light, $"{tokens} tokens, JSON output");
        }

        if (lightAllowed && tokens <= o.ShortPromptTokens && !features.HasTools)
        {
            return Result(WorkloadCategories.Light, $"{tokens} tokens, no cue");
        }

        if (lightAllowed && features.InstructionTokens <= o.ShortPromptTokens && tokens <= o.LightMaxPayloadTokens && !features.HasTools)
        {
            return Result(WorkloadCategories.Light, $"{features.InstructionTokens}-token instruction on {tokens} tokens, no cue");
        }

        return Result(WorkloadCategories.General, features.HasTools ? $"{tokens} tokens, tools, no cue" : $"{tokens} tokens, no cue");
    }

    private static ClassificationResult Result(string category, string why) => HardSignals.Result(category, why);

    /// <summary>A cue as it may appear in a header (see <see cref="HardSignals.Quote"/>).</summary>
    internal static string Quote(string cue) => HardSignals.Quote(cue);
}
