namespace AspireRouter.Gateway.Classification;

/// <summary>
/// The configured cue lists, compiled once. The rule-based classifier decides with them; the learned classifier
/// sees which of them fire (<see cref="Flags"/>) as features, so hand-written vocabulary the corpus lacks still counts.
/// </summary>
public sealed class CueSets(ClassifierOptions options)
{
    public const int ReasoningCue = 1, LightCue = 2, SystemLightCue = 4, GeneralCue = 8, WhyChain = 16, Quantitative = 32, HardQuestion = 64;

    /// <summary>Number of flags <see cref="Flags"/> can set.</summary>
    public const int FlagCount = 7;

    internal CueSet Reasoning { get; } = new(options.ReasoningCues ?? ClassifierCues.Reasoning);

    internal CueSet Light { get; } = new(options.LightCues ?? ClassifierCues.Light);

    internal CueSet General { get; } = new(options.GeneralCues ?? ClassifierCues.General);

    internal CueSet HardQuestions { get; } = new(options.HardQuestionCues ?? ClassifierCues.HardQuestion);

    internal CueSet Why { get; } = new(options.WhyCues ?? ClassifierCues.Why);

    /// <summary>Which cue lists fire on the last user message (and the system message, for light cues), as bits.</summary>
    public int Flags(PromptFeatures features)
    {
        var text = features.LastUserText.AsSpan();
        var flags = Reasoning.FindFirst(text) is null ? 0 : ReasoningCue;
        flags |= Light.FindFirst(text) is null ? 0 : LightCue;
        flags |= Light.FindFirst(features.SystemText) is null ? 0 : SystemLightCue;
        flags |= General.FindFirst(text) is null ? 0 : GeneralCue;
        flags |= Why.Count(text) >= options.WhyChainCount ? WhyChain : 0;
        flags |= features.HasQuestion && features.Numbers >= options.QuantitativeNumbers && features.QuantitySymbols >= options.QuantitySymbolThreshold ? Quantitative : 0;
        flags |= features.PromptTokens >= options.LongDocumentTokens && HardQuestions.FindFirst(text) is not null ? HardQuestion : 0;
        return flags;
    }
}
