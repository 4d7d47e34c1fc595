using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// The configuration section <c>Classifier</c>: which <c>auto</c> pre-classifier runs, the learned one's confidence
/// rules, and the thresholds and cues of the rules (hard signals and the rule-based classifier).
/// Sizes are estimated tokens (about four characters of Latin text, one Han character) or characters, as named.
/// </summary>
public sealed class ClassifierOptions
{
    public const string SectionName = "Classifier";

    /// <summary>
    /// <see cref="ClassifierMode.Learned"/> (hard-signal rules, then the linear model shipped with the gateway) or
    /// <see cref="ClassifierMode.Rules"/> (the cue rules alone). Default: Learned.
    /// </summary>
    [EnumDataType(typeof(ClassifierMode))]
    public ClassifierMode Mode { get; set; } = ClassifierMode.Learned;

    /// <summary>
    /// The learned classifier's lowest confidence (probability of its pick) that it acts on; below it the request goes
    /// to <see cref="LowConfidenceCategory"/>. From 0 to 1. Default: null, meaning the operating point chosen at
    /// training on the cost-weighted error (recorded in the model file; see README).
    /// </summary>
    [Range(0.0, 1.0)]
    public double? MinConfidence { get; set; }

    /// <summary>
    /// Where an unsure learned pick goes: the category whose mistakes cost least. <c>general</c> is mid-priced and
    /// capable enough for most light tasks and many hard ones. One of light, general, reasoning. Default: general.
    /// </summary>
    [Required]
    public string LowConfidenceCategory { get; set; } = "general";

    /// <summary>
    /// Two learned probabilities closer than this are a tie, which a small <c>max_tokens</c> (at most
    /// <see cref="LightMaxOutputTokens"/>) breaks towards <c>light</c>; max_tokens never decides alone. From 0 to 0.5. Default: 0.1.
    /// </summary>
    [Range(0.0, 0.5)]
    public double TieMargin { get; set; } = 0.1;

    /// <summary>
    /// Share of Han characters among the letters of the conversation (system prompt excluded) from which a request
    /// is Chinese and goes to <c>regional-cn</c>; above 0, at most 1. One Han character carries about a word, so 0.3
    /// is already text that reads as mostly Chinese. Default: 0.3.
    /// </summary>
    public double CjkShareThreshold { get; set; } = 0.3;

    /// <summary>Prompts of at most this many tokens with no cue are <c>light</c> ("hi", "capital of australia"); so are instructions this short on a short payload. Default: 16.</summary>
    [Range(0, 100_000)]
    public int ShortPromptTokens { get; set; } = 16;

    /// <summary>
    /// A short instruction (at most <see cref="ShortPromptTokens"/>) applied to a payload ("Is this a complaint?
    /// &lt;message&gt;") is <c>light</c> while the whole prompt stays within this many tokens. Default: 100.
    /// </summary>
    [Range(1, 1_000_000)]
    public int LightMaxPayloadTokens { get; set; } = 100;

    /// <summary>Above this many prompt tokens a request is never <c>light</c>, whatever its cues. Default: 400.</summary>
    [Range(1, 1_000_000)]
    public int LightMaxPromptTokens { get; set; } = 400;

    /// <summary>
    /// Above this many tokens of system prompt plus conversation a request is never <c>light</c>: small models lose
    /// track of long contexts. Default: 16000 (half the light chain's smallest context window).
    /// </summary>
    [Range(1, 10_000_000)]
    public int LightMaxContextTokens { get; set; } = 16_000;

    /// <summary>
    /// A <c>max_tokens</c> at or below this asks for a short answer: in rules mode <c>light</c> when no cue says
    /// otherwise; in learned mode it only breaks a tie (<see cref="TieMargin"/>). Default: 64.
    /// </summary>
    [Range(0, 1_000_000)]
    public int LightMaxOutputTokens { get; set; } = 64;

    /// <summary>Conversations of at least this many messages are never <c>light</c>. Default: 16.</summary>
    [Range(2, 10_000)]
    public int LongConversationMessages { get; set; } = 16;

    /// <summary>From this many prompt tokens a hard-question cue makes a long document <c>reasoning</c>. Default: 4000.</summary>
    [Range(1, 10_000_000)]
    public int LongDocumentTokens { get; set; } = 4_000;

    /// <summary>Code-like lines (ending in <c>;</c>, <c>{</c>, <c>}</c> or starting with a keyword) that make a prompt code without a <c>```</c> fence. Default: 3.</summary>
    [Range(1, 10_000)]
    public int CodeLineThreshold { get; set; } = 3;

    /// <summary>Math symbols (<c>^ = ∫ √ ∑ ≤ ≥</c>) in a prompt without code that make it <c>reasoning</c>. Default: 3.</summary>
    [Range(1, 10_000)]
    public int MathSymbolThreshold { get; set; } = 3;

    /// <summary>
    /// Numbers in a question (with <see cref="QuantitySymbolThreshold"/> currency or percent signs) that make it a
    /// quantitative problem: <c>reasoning</c>. Default: 4.
    /// </summary>
    [Range(1, 10_000)]
    public int QuantitativeNumbers { get; set; } = 4;

    /// <summary>Currency or percent signs (<c>$ € £ ¥ %</c>) a quantitative problem needs besides its numbers. Default: 2.</summary>
    [Range(0, 10_000)]
    public int QuantitySymbolThreshold { get; set; } = 2;

    /// <summary>Occurrences of a "why" cue in the last user message that make a why chain: <c>reasoning</c>. Default: 2.</summary>
    [Range(2, 100)]
    public int WhyChainCount { get; set; } = 2;

    /// <summary>Characters kept from the start and from the end of the last user message for cue matching. Default: 4096.</summary>
    [Range(256, 1_048_576)]
    public int CueWindowChars { get; set; } = 4096;

    /// <summary>Cues for <c>reasoning</c>. Default: null, meaning <see cref="ClassifierCues.Reasoning"/>; a configured list replaces it.</summary>
    public List<string>? ReasoningCues { get; set; }

    /// <summary>Cues for <c>light</c>. Default: null, meaning <see cref="ClassifierCues.Light"/>; a configured list replaces it.</summary>
    public List<string>? LightCues { get; set; }

    /// <summary>Cues for <c>general</c>. Default: null, meaning <see cref="ClassifierCues.General"/>; a configured list replaces it.</summary>
    public List<string>? GeneralCues { get; set; }

    /// <summary>Cues that turn a long document into a hard question. Default: null, meaning <see cref="ClassifierCues.HardQuestion"/>.</summary>
    public List<string>? HardQuestionCues { get; set; }

    /// <summary>Cues counted for why chains. Default: null, meaning <see cref="ClassifierCues.Why"/>.</summary>
    public List<string>? WhyCues { get; set; }
}

/// <summary>Which <c>auto</c> pre-classifier runs.</summary>
public enum ClassifierMode
{
    /// <summary>Hard-signal rules, then the learned linear model.</summary>
    Learned,

    /// <summary>The rule-based classifier alone (cue lists and thresholds).</summary>
    Rules,
}

[OptionsValidator]
public sealed partial class ClassifierOptionsValidator : IValidateOptions<ClassifierOptions>;

/// <summary>Rules DataAnnotations cannot express; messages quote the bad values.</summary>
public sealed class ClassifierOptionsRulesValidator : IValidateOptions<ClassifierOptions>
{
    /// <summary>Longest cue accepted; cues are phrases, not passages.</summary>
    public const int MaxCueLength = 64;

    public ValidateOptionsResult Validate(string? name, ClassifierOptions options)
    {
        var errors = new List<string>();
        if (!(options.CjkShareThreshold > 0 && options.CjkShareThreshold <= 1))
        {
            errors.Add($"Classifier:CjkShareThreshold must be above 0 and at most 1 (got {options.CjkShareThreshold}).");
        }

        if (options.ShortPromptTokens >= options.LightMaxPromptTokens)
        {
            errors.Add($"Classifier:ShortPromptTokens ({options.ShortPromptTokens}) must be below LightMaxPromptTokens ({options.LightMaxPromptTokens}).");
        }

        if (options.LightMaxPayloadTokens < options.ShortPromptTokens || options.LightMaxPayloadTokens > options.LightMaxPromptTokens)
        {
            errors.Add($"Classifier:LightMaxPayloadTokens ({options.LightMaxPayloadTokens}) must lie between ShortPromptTokens ({options.ShortPromptTokens}) and LightMaxPromptTokens ({options.LightMaxPromptTokens}).");
        }

        if (options.LightMaxPromptTokens > options.LightMaxContextTokens)
        {
            errors.Add($"Classifier:LightMaxPromptTokens ({options.LightMaxPromptTokens}) must not exceed LightMaxContextTokens ({options.LightMaxContextTokens}).");
        }

        if (options.LongDocumentTokens <= options.LightMaxPromptTokens)
        {
            errors.Add($"Classifier:LongDocumentTokens ({options.LongDocumentTokens}) must be above LightMaxPromptTokens ({options.LightMaxPromptTokens}).");
        }

        if (options.LowConfidenceCategory is not ("light" or "general" or "reasoning"))
        {
            errors.Add($"Classifier:LowConfidenceCategory must be light, general or reasoning (got '{options.LowConfidenceCategory}').");
        }

        CheckCues(nameof(options.ReasoningCues), options.ReasoningCues, errors);
        CheckCues(nameof(options.LightCues), options.LightCues, errors);
        CheckCues(nameof(options.GeneralCues), options.GeneralCues, errors);
        CheckCues(nameof(options.HardQuestionCues), options.HardQuestionCues, errors);
        CheckCues(nameof(options.WhyCues), options.WhyCues, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckCues(string list, List<string>? cues, List<string> errors)
    {
        for (var i = 0; i < (cues?.Count ?? 0); i++)
        {
            var cue = cues![i];
            if (string.IsNullOrWhiteSpace(cue) || cue.Trim('*').Length == 0)
            {
                errors.Add($"Classifier:{list}:{i} is empty.");
            }
            else if (cue.Length > MaxCueLength)
            {
                errors.Add($"Classifier:{list}:{i} is {cue.Length} characters long; cues are at most {MaxCueLength}.");
            }
            else if (cue.TrimEnd('*').Contains('*', StringComparison.Ordinal) || cue.EndsWith("**", StringComparison.Ordinal))
            {
                errors.Add($"Classifier:{list}:{i} ('{cue}') may only end in one '*' (prefix match).");
            }
            else if (cue != cue.Trim())
            {
                errors.Add($"Classifier:{list}:{i} ('{cue}') has leading or trailing spaces.");
            }
        }
    }
}
