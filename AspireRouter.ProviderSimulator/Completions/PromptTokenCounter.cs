using Microsoft.ML.Tokenizers;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>
/// Estimates prompt tokens the way OpenAI bills them: o200k_base tokens of every text, plus a fixed overhead per
/// message and per image. The tokenizer is loaded once per process (tens of milliseconds) and is thread-safe.
/// </summary>
public sealed class PromptTokenCounter
{
    /// <summary>Role, separators and name of one message.</summary>
    public const int TokensPerMessage = 4;

    /// <summary>A low-detail image, as OpenAI bills it.</summary>
    public const int TokensPerImage = 85;

    /// <summary>The assistant turn every prompt ends with.</summary>
    public const int ReplyPriming = 3;

    private static readonly Lazy<Tokenizer> SharedTokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public int CountText(string text) => text.Length == 0 ? 0 : SharedTokenizer.Value.CountTokens(text);

    public int Count(ChatCompletionRequest request)
    {
        var tokens = ReplyPriming;
        foreach (var message in request.Messages ?? [])
        {
            tokens += TokensPerMessage + CountText(message.Name ?? "");
            if (message.Content?.Text is { } text)
            {
                tokens += CountText(text);
            }

            foreach (var part in message.Content?.Parts ?? [])
            {
                tokens += part.IsImage ? TokensPerImage : CountText(part.Text ?? "");
            }

            if (message.ToolCalls is { } toolCalls)
            {
                tokens += CountText(toolCalls.GetRawText());
            }
        }

        if (request.HasTools)
        {
            tokens += CountText(request.Tools!.Value.GetRawText());
        }

        return tokens;
    }
}
