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

    /// <summary>Characters from the start and from the end of a message that <see cref="Flags"/> searches: where instructions sit.</summary>
    public const int FlagWindowChars = 1024;

    /// <summary>
    /// Which cue lists fire on the first and last <see cref="FlagWindowChars"/> of the last user message (and of the
    /// system message, for light cues), as bits. Bounded so that a long prompt costs the learned classifier no more than a short one.
    /// </summary>
    public int Flags(PromptFeatures features)
    {
        ReadOnlySpan<char> head = Head(features.LastUserText), tail = Tail(features.LastUserText);
        ReadOnlySpan<char> systemHead = Head(features.SystemText), systemTail = Tail(features.SystemText);
        var flags = Reasoning.FindFirst(head) is null && Reasoning.FindFirst(tail) is null ? 0 : ReasoningCue;
        flags |= Light.FindFirst(head) is null && Light.FindFirst(tail) is null ? 0 : LightCue;
        flags |= Light.FindFirst(systemHead) is null && Light.FindFirst(systemTail) is null ? 0 : SystemLightCue;
        flags |= General.FindFirst(head) is null && General.FindFirst(tail) is null ? 0 : GeneralCue;
        flags |= Why.Count(head) + Why.Count(tail) >= options.WhyChainCount ? WhyChain : 0;
        flags |= features.HasQuestion && features.Numbers >= options.QuantitativeNumbers && features.QuantitySymbols >= options.QuantitySymbolThreshold ? Quantitative : 0;
        flags |= features.PromptTokens >= options.LongDocumentTokens && HardQuestions.FindFirst(tail) is not null ? HardQuestion : 0;
        return flags;
    }

    /// <summary>The whole of a short text, else its first <see cref="FlagWindowChars"/>.</summary>
    private static ReadOnlySpan<char> Head(string text) => text.Length <= 2 * FlagWindowChars ? text : text.AsSpan(0, FlagWindowChars);

    /// <summary>Nothing of a short text (its head holds it all), else its last <see cref="FlagWindowChars"/>.</summary>
    private static ReadOnlySpan<char> Tail(string text) => text.Length <= 2 * FlagWindowChars ? [] : text.AsSpan(text.Length - FlagWindowChars);
}
