using System.Diagnostics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.ServiceDefaults.Telemetry;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Ends each attempt's span once the request is priced, per the OpenTelemetry GenAI conventions: the answering model,
/// finish reasons, token usage and the attempt's cost on the span, and the GenAI client metrics. Prompt and completion
/// text are never recorded.
/// </summary>
public sealed class AttemptTelemetry(GenAiMetrics metrics)
{
    /// <param name="outcome">The run whose attempts end.</param>
    /// <param name="priced">Each attempt's cost, in the attempts' order.</param>
    /// <param name="streamFacts">The relayed stream's model and finish reason, when the winner was a stream.</param>
    public void Complete(ExecutionOutcome outcome, IReadOnlyList<AttemptCost> priced, ResponseFacts? streamFacts)
    {
        for (var i = 0; i < outcome.Attempts.Count; i++)
        {
            var attempt = outcome.Attempts[i];
            var cost = i < priced.Count ? priced[i] : null;
            var facts = attempt == outcome.Winner ? streamFacts ?? BodyFacts(attempt) : default;
            var streamed = attempt.StartedAt != 0 && attempt.Outcome == AttemptOutcome.Success && !attempt.FirstChunk.IsEmpty;
            var candidate = attempt.Candidate;
            metrics.Record(new GenAiCall(
                candidate.Model.Provider,
                candidate.Model.ProviderModelId,
                facts.Model,
                candidate.Endpoint.BaseUrl.Host,
                AttemptSpan.ErrorType(attempt),
                streamed ? Stopwatch.GetElapsedTime(attempt.StartedAt) : attempt.Elapsed,
                streamed ? attempt.Elapsed : null,
                cost?.InputTokens ?? 0,
                cost?.OutputTokens ?? 0));

            if (attempt.Span is not { } span)
            {
                continue;
            }

            // Tags cost allocations: only on spans that will be exported.
            if (TraceKeeping.WillExport(span))
            {
                if (facts.Model is not null)
                {
                    span.SetTag("gen_ai.response.model", facts.Model);
                }

                if (facts.FinishReason is not null)
                {
                    span.SetTag("gen_ai.response.finish_reasons", new[] { facts.FinishReason });
                }

                if (cost is not null)
                {
                    span.SetTag("gen_ai.usage.input_tokens", cost.InputTokens);
                    span.SetTag("gen_ai.usage.output_tokens", cost.OutputTokens);
                    span.SetTag(GatewayTelemetry.CostTag, (double)cost.CostUsd);
                    if (cost.Estimated)
                    {
                        span.SetTag("aspirerouter.usage.estimated", true);
                    }
                }
            }

            span.Stop();
        }
    }

    /// <summary>A buffered answer's model and finish reason, read from its body.</summary>
    private static ResponseFacts BodyFacts(UpstreamAttempt attempt) =>
        attempt.Body is { } body && attempt.Outcome == AttemptOutcome.Success
            ? CompletionJson.Read(body, null, CompletionJson.FactKinds.All).Facts
            : default;
}
