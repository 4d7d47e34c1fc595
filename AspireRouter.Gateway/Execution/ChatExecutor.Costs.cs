using System.Diagnostics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Costs;

namespace AspireRouter.Gateway.Execution;

/// <summary>The executor's cost accounting: every attempt priced, one event per request.</summary>
public sealed partial class ChatExecutor
{
    private List<AttemptCost> Price(RequestRun run, List<UpstreamAttempt> attempts, UpstreamAttempt? winner, (UpstreamAttempt Attempt, SseUsageTap Tap)? relayed, bool clientAborted)
    {
        int? promptTokens = null;
        var priced = new List<AttemptCost>(attempts.Count);
        foreach (var attempt in attempts)
        {
            var tap = relayed is { } r && r.Attempt == attempt ? r.Tap : null;
            priced.Add(accountant.Price(attempt, run.Request, tap, clientAborted && tap is not null, ref promptTokens, superseded: attempt != winner && attempt.Outcome == AttemptOutcome.Success));
        }

        return priced;
    }

    /// <summary>Builds the request's cost event and emits it when the request succeeded or something was billed.</summary>
    private RequestCostRecorded Record(
        RequestRun run, CostAttribution attribution, UpstreamAttempt? winner, string outcome, List<AttemptCost> priced, bool fallback, long started)
    {
        var record = new RequestCostRecorded
        {
            RequestId = run.RequestId,
            CorrelationId = attribution.CorrelationId,
            OccurredAt = time.GetUtcNow(),
            Team = attribution.Team,
            User = attribution.User,
            Feature = attribution.Feature,
            ApiKeyId = attribution.ApiKeyId,
            Category = run.Target.CategoryName,
            RequestedModel = run.Request.Model,
            Model = winner?.Candidate.Model.Id,
            Region = winner?.Candidate.Region,
            GatewayRegion = _options.Region,
            Outcome = outcome,
            Streamed = run.Request.Stream,
            Attempts = run.Attempts,
            Fallback = fallback,
            Hedged = run.Hedged,
            RoutingReason = run.Target.Reason,
            Residency = run.Target.Residency,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            InputTokens = priced.Sum(a => a.InputTokens),
            CachedInputTokens = priced.Sum(a => a.CachedInputTokens),
            OutputTokens = priced.Sum(a => a.OutputTokens),
            ReasoningTokens = priced.Sum(a => a.ReasoningTokens),
            CostUsd = priced.Sum(a => a.CostUsd),
            Estimated = priced.Any(a => a.Estimated),
            AttemptCosts = priced,
        };
        if (outcome == "success" || record.CostUsd > 0)
        {
            costs.Emit(record);
        }

        return record;
    }
}
