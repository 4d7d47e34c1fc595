using System.Text;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Tokens;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Prices each attempt of a request. The provider's <c>usage</c> wins whenever it is present, whatever the outcome.
/// Without it:
/// <list type="bullet">
/// <item>a success (buffered or streamed) is estimated: the prompt with the o200k tokenizer, the completion from the
/// generated text seen (or a quarter of the bytes seen when no text could be read) — marked estimated;</item>
/// <item>a hedge cancelled because its twin won, and an attempt the client walked away from, are charged the prompt
/// (the provider processed it) plus whatever text had been streamed — marked estimated;</item>
/// <item>a 4xx, 5xx, 429, timeout or connection error costs nothing: providers do not bill rejected requests.</item>
/// </list>
/// </summary>
public sealed class CostAccountant(TokenEstimator estimator)
{
    /// <summary>
    /// Prices every attempt of <paramref name="outcome"/>: the winner with the relay's <paramref name="tap"/> when its
    /// stream was relayed (and as walked away from when <paramref name="clientAborted"/>), a success that lost its hedge
    /// race as superseded. The prompt is tokenized at most once for all of them.
    /// </summary>
    public IReadOnlyList<AttemptCost> Price(ExecutionOutcome outcome, ChatRequest request, SseUsageTap? tap, bool clientAborted)
    {
        int? promptTokens = null;
        var priced = new List<AttemptCost>(outcome.Attempts.Count);
        foreach (var attempt in outcome.Attempts)
        {
            var relayed = attempt == outcome.Winner ? tap : null;
            var superseded = attempt != outcome.Winner && attempt.Outcome == AttemptOutcome.Success;
            priced.Add(Price(attempt, request, relayed, clientAborted && relayed is not null, ref promptTokens, superseded));
        }

        return priced;
    }

    /// <summary>
    /// Prices <paramref name="attempt"/>; <paramref name="tap"/> is the relay's tap when this attempt was streamed to
    /// the client; <paramref name="superseded"/> marks an attempt that answered but lost its hedge race.
    /// </summary>
    public AttemptCost Price(UpstreamAttempt attempt, ChatRequest request, SseUsageTap? tap, bool clientAborted, ref int? promptTokens, bool superseded = false)
    {
        var price = attempt.Candidate.Model.Price;
        var outcome = clientAborted ? AttemptOutcome.ClientAborted : superseded ? AttemptOutcome.Superseded : attempt.Outcome;
        var text = new StringBuilder();
        long bytesSeen = 0;
        TokenUsage? usage = null;
        if (attempt.Body is { } body)
        {
            usage = CompletionJson.Read(body).Usage;
            if (usage is null && attempt.Outcome == AttemptOutcome.Success)
            {
                // The generated text matters only for an estimate: read it in a second pass when there is no usage.
                CompletionJson.Read(body, text);
            }

            bytesSeen = body.Length;
        }
        else if (tap is not null)
        {
            usage = tap.Usage;
            text.Append(tap.Text);
            bytesSeen = tap.BytesSeen;
        }
        else if (!attempt.FirstChunk.IsEmpty)
        {
            var loserTap = new SseUsageTap(stripUsageChunk: false);
            loserTap.Process(attempt.FirstChunk.Span, new System.Buffers.ArrayBufferWriter<byte>());
            usage = loserTap.Usage;
            text.Append(loserTap.Text);
            bytesSeen = loserTap.BytesSeen;
        }

        var estimated = false;
        if (usage is null)
        {
            var billed = outcome is AttemptOutcome.Success or AttemptOutcome.Superseded or AttemptOutcome.ClientAborted;
            if (billed)
            {
                promptTokens ??= estimator.CountExactly(request);
                var completion = text.Length > 0 ? TokenEstimator.CountText(text.ToString()) : bytesSeen / 4;
                usage = new TokenUsage(promptTokens.Value, 0, completion, 0);
                estimated = true;
            }
        }

        var tokens = usage ?? default;
        return new AttemptCost
        {
            Model = attempt.Candidate.Model.Id,
            Region = attempt.Candidate.Region,
            Outcome = AttemptOutcomes.Name(outcome),
            InputTokens = tokens.Input,
            CachedInputTokens = tokens.CachedInput,
            OutputTokens = tokens.Output,
            ReasoningTokens = tokens.Reasoning,
            CostUsd = price.Cost(tokens.Input, tokens.CachedInput, tokens.Output),
            Estimated = estimated,
            PriceEffectiveFrom = price.EffectiveFrom,
        };
    }

    /// <summary>The header value: invariant culture, at most ten decimals, no exponent.</summary>
    public static string FormatUsd(decimal usd) =>
        Math.Round(usd, 10, MidpointRounding.AwayFromZero).ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture);
}
