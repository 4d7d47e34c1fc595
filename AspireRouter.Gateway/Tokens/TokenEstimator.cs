using System.Text.Json;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Options;
using Microsoft.ML.Tokenizers;

namespace AspireRouter.Gateway.Tokens;

/// <summary>
/// Checks whether a request fits a model's context window. A cheap upper bound (one token per byte) settles almost
/// every request without tokenizing; only a request near a window is counted exactly, once.
/// </summary>
public sealed class TokenEstimator(IOptions<TokenEstimationOptions> options)
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    private readonly TokenEstimationOptions _options = options.Value;

    /// <summary>Starts the per-request estimate; the exact count, if ever needed, is made once and kept.</summary>
    public PromptEstimate For(ChatRequest request) => new(this, request);

    /// <summary>Tokens a request needs on <paramref name="model"/>: prompt (scaled for its family) + completion + reasoning reserve.</summary>
    internal int Needed(int promptTokens, ModelSpec model, ChatRequest request, string family)
    {
        var factor = _options.FamilyFactors.TryGetValue(family, out var f) ? f : _options.DefaultFamilyFactor;
        var completion = request.MaxTokens ?? Math.Min(_options.DefaultCompletionTokens, model.MaxOutputTokens);
        var reserve = model.Capabilities.Reasoning ? _options.ReasoningReserveTokens : 0;
        return (int)Math.Min(int.MaxValue, Math.Ceiling(promptTokens * factor) + (long)completion + reserve);
    }

    internal int UpperBound(ChatRequest request) =>
        request.TextBytes + (request.MessageCount * _options.TokensPerMessage) + (request.ImageParts * _options.TokensPerImage);

    /// <summary>The prompt's o200k count; counted once per request (rate limit, budgets and pricing share it).</summary>
    internal int CountExactly(ChatRequest request)
    {
        var known = Volatile.Read(ref request.ExactPromptTokens);
        if (known >= 0)
        {
            return known;
        }

        var tokens = (request.MessageCount * _options.TokensPerMessage) + (request.ImageParts * _options.TokensPerImage);
        foreach (var text in TextContent(request.Body))
        {
            tokens += O200k.Value.CountTokens(text);
        }

        Volatile.Write(ref request.ExactPromptTokens, tokens);
        return tokens;
    }

    /// <summary>o200k tokens of <paramref name="text"/>: completion estimates when a provider reports no usage.</summary>
    internal static int CountText(string text) => text.Length == 0 ? 0 : O200k.Value.CountTokens(text);

    /// <summary>Every text value of <c>messages[].content</c> (strings and text parts).</summary>
    private static List<string> TextContent(ReadOnlyMemory<byte> body)
    {
        var texts = new List<string>();
        var reader = new Utf8JsonReader(body.Span, new JsonReaderOptions { MaxDepth = 64 });
        var inMessages = false;
        var messagesDepth = -1;
        while (reader.Read())
        {
            if (!inMessages)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("messages"u8))
                {
                    inMessages = true;
                    messagesDepth = reader.CurrentDepth;
                }
                else if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    reader.Read();
                    reader.Skip();
                }

                continue;
            }

            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == messagesDepth)
            {
                break;
            }

            // messages[i].content as a string (depth 3) or content[j].text (depth 5).
            if (reader.TokenType == JsonTokenType.PropertyName
                && ((reader.CurrentDepth == 3 && reader.ValueTextEquals("content"u8)) || (reader.CurrentDepth == 5 && reader.ValueTextEquals("text"u8))))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    texts.Add(reader.GetString()!);
                }
            }
        }

        return texts;
    }
}

/// <summary>One request's prompt size, refined from an upper bound to an exact count only when a window is close.</summary>
public sealed class PromptEstimate(TokenEstimator estimator, ChatRequest request)
{
    /// <summary>Whether the request fits <paramref name="model"/>; <paramref name="needed"/> is the best estimate made.</summary>
    public bool Fits(ModelSpec model, string family, out int needed)
    {
        // The exact count once anything has counted it (it is kept on the request), else the cheap upper bound.
        var known = Volatile.Read(ref request.ExactPromptTokens);
        needed = estimator.Needed(known >= 0 ? known : estimator.UpperBound(request), model, request, family);
        if (needed <= model.ContextWindow)
        {
            return true;
        }

        needed = estimator.Needed(estimator.CountExactly(request), model, request, family);
        return needed <= model.ContextWindow;
    }
}
