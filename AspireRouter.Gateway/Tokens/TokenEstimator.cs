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
    internal int CountExactly(ChatRequest request) => request.PromptTokens.GetOrCount((Estimator: this, Request: request), static state =>
    {
        var (estimator, request) = state;
        var tokens = (request.MessageCount * estimator._options.TokensPerMessage) + (request.ImageParts * estimator._options.TokensPerImage);
        foreach (var text in request.Texts)
        {
            // The parser found where each text is: decode it there, no second walk of the body.
            tokens += O200k.Value.CountTokens(text.Decode(request.Body));
        }

        return tokens;
    });

    /// <summary>o200k tokens of <paramref name="text"/>: completion estimates when a provider reports no usage.</summary>
    internal static int CountText(string text) => text.Length == 0 ? 0 : O200k.Value.CountTokens(text);
}

/// <summary>One request's prompt size, refined from an upper bound to an exact count only when a window is close.</summary>
public sealed class PromptEstimate(TokenEstimator estimator, ChatRequest request)
{
    /// <summary>Whether the request fits <paramref name="model"/>; <paramref name="needed"/> is the best estimate made.</summary>
    public bool Fits(ModelSpec model, string family, out int needed)
    {
        // The exact count once anything has counted it (it is kept on the request), else the cheap upper bound.
        needed = estimator.Needed(request.PromptTokens.TryGet(out var known) ? known : estimator.UpperBound(request), model, request, family);
        if (needed <= model.ContextWindow)
        {
            return true;
        }

        needed = estimator.Needed(estimator.CountExactly(request), model, request, family);
        return needed <= model.ContextWindow;
    }
}
