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

    // The lists Flags asks about, matched in one pass: bit positions in CueMatches.Lists.
    private const int ReasoningList = 0, LightList = 1, GeneralList = 2, HardQuestionList = 3, WhyList = 4;

    private readonly CueMatcher _matcher = new(
        [
            options.ReasoningCues ?? ClassifierCues.Reasoning,
            options.LightCues ?? ClassifierCues.Light,
            options.GeneralCues ?? ClassifierCues.General,
            options.HardQuestionCues ?? ClassifierCues.HardQuestion,
            options.WhyCues ?? ClassifierCues.Why,
        ],
        countedList: WhyList);

    /// <summary>
    /// Which cue lists fire on the first and last <see cref="FlagWindowChars"/> of the last user message (and of the
    /// system message, for light cues), as bits. Bounded so that a long prompt costs the learned classifier no more
    /// than a short one; every list is matched in one pass over each window (<see cref="CueMatcher"/>).
    /// </summary>
    public int Flags(PromptFeatures features)
    {
        var head = _matcher.Match(Head(features.LastUserText.Span));
        var tail = _matcher.Match(Tail(features.LastUserText.Span));
        var user = head.Lists | tail.Lists;
        var system = features.SystemText.Length == 0 ? 0 : _matcher.Match(Head(features.SystemText.Span)).Lists | _matcher.Match(Tail(features.SystemText.Span)).Lists;
        var flags = Fires(user, ReasoningList) ? ReasoningCue : 0;
        flags |= Fires(user, LightList) ? LightCue : 0;
        flags |= Fires(system, LightList) ? SystemLightCue : 0;
        flags |= Fires(user, GeneralList) ? GeneralCue : 0;
        flags |= head.Counted + tail.Counted >= options.WhyChainCount ? WhyChain : 0;
        flags |= features.HasQuestion && features.Numbers >= options.QuantitativeNumbers && features.QuantitySymbols >= options.QuantitySymbolThreshold ? Quantitative : 0;
        flags |= features.PromptTokens >= options.LongDocumentTokens && Fires(tail.Lists, HardQuestionList) ? HardQuestion : 0;
        return flags;
    }

    private static bool Fires(int lists, int list) => (lists & (1 << list)) != 0;

    /// <summary>The whole of a short text, else its first <see cref="FlagWindowChars"/>.</summary>
    private static ReadOnlySpan<char> Head(ReadOnlySpan<char> text) => text.Length <= 2 * FlagWindowChars ? text : text[..FlagWindowChars];

    /// <summary>Nothing of a short text (its head holds it all), else its last <see cref="FlagWindowChars"/>.</summary>
    private static ReadOnlySpan<char> Tail(ReadOnlySpan<char> text) => text.Length <= 2 * FlagWindowChars ? [] : text[^FlagWindowChars..];
}
