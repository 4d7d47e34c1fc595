namespace AspireRouter.Gateway.Classification;

/// <summary>
/// What the classification rules look at, read from a chat request by <see cref="PromptFeatureExtractor"/>.
/// "Prompt" means every message except system (and developer) messages.
/// </summary>
public sealed class PromptFeatures
{
    /// <summary>Image content parts over all messages.</summary>
    public int ImageParts { get; init; }

    public int MessageCount { get; init; }

    /// <summary>UTF-16 characters of prompt text.</summary>
    public int PromptChars { get; init; }

    /// <summary>UTF-16 characters of system and developer messages.</summary>
    public int SystemChars { get; init; }

    /// <summary>Letters (any script) in the prompt, outside <c>```</c> fenced code blocks.</summary>
    public int PromptLetters { get; init; }

    /// <summary>Han (CJK ideograph) characters in the prompt outside fenced code; a subset of <see cref="PromptLetters"/>.</summary>
    public int PromptHanChars { get; init; }

    /// <summary>Han characters in system and developer messages.</summary>
    public int SystemHanChars { get; init; }

    /// <summary>Share of Han characters among the prompt's letters, 0 when there are no letters.</summary>
    public double HanShare => PromptLetters == 0 ? 0 : (double)PromptHanChars / PromptLetters;

    /// <summary>Estimated tokens of the prompt: a Han character is about one token, other text about four characters.</summary>
    public int PromptTokens => TextSignals.EstimateTokens(PromptChars, PromptHanChars);

    /// <summary>Estimated tokens of the system and developer messages.</summary>
    public int SystemTokens => TextSignals.EstimateTokens(SystemChars, SystemHanChars);

    /// <summary>
    /// Text of the last user message; when long, its first and last window joined by a newline. From
    /// <see cref="PromptFeatureExtractor"/>, valid until <see cref="PromptFeatureExtractor.Return"/>.
    /// </summary>
    public ReadOnlyMemory<char> LastUserText { get; init; }

    /// <summary>Text of the first system or developer message, bounded like <see cref="LastUserText"/>.</summary>
    public ReadOnlyMemory<char> SystemText { get; init; }

    /// <summary>The pooled buffer that holds both texts, if any: handed back by <see cref="PromptFeatureExtractor.Return"/>.</summary>
    internal char[]? TextBuffer { get; init; }

    /// <summary><c>```</c> fences in the prompt (two make one code block).</summary>
    public int CodeFences { get; init; }

    /// <summary>Prompt lines that look like code: ending in <c>;</c>, <c>{</c> or <c>}</c>, or opening with a keyword.</summary>
    public int CodeLines { get; init; }

    /// <summary>Characters of the last user message's instruction (<see cref="TextSignals.Instruction"/>): the text before its payload.</summary>
    public int InstructionChars { get; init; }

    /// <summary>Letters in the instruction.</summary>
    public int InstructionLetters { get; init; }

    /// <summary>Han characters in the instruction.</summary>
    public int InstructionHanChars { get; init; }

    /// <summary>Share of Han characters among the instruction's letters: the language the user writes in, whatever they quote.</summary>
    public double InstructionHanShare => InstructionLetters == 0 ? 0 : (double)InstructionHanChars / InstructionLetters;

    /// <summary>Estimated tokens of the instruction.</summary>
    public int InstructionTokens => TextSignals.EstimateTokens(InstructionChars, InstructionHanChars);

    /// <summary>Math symbols (<c>^ = ∫ √ ∑ ≤ ≥</c>) in the last user message.</summary>
    public int MathSymbols { get; init; }

    /// <summary>Numbers in the last user message.</summary>
    public int Numbers { get; init; }

    /// <summary>Currency and percent signs in the last user message.</summary>
    public int QuantitySymbols { get; init; }

    /// <summary>The last user message asks a question (<c>?</c>).</summary>
    public bool HasQuestion { get; init; }

    public bool HasTools { get; init; }

    public bool NeedsJsonMode { get; init; }

    public int? MaxTokens { get; init; }
}
