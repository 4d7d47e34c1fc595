using System.Diagnostics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Admission;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The record stage, the one place a request's cost leaves the gateway, run on every path (success, failure, a client
/// gone, a write that threw): the request metric, the <see cref="RequestCostRecorded"/> event (when it succeeded or
/// something was billed), the settlement of its budgets with the real cost, and its key's token rate limit
/// reconciled with the tokens really used.
/// </summary>
public sealed partial class CostRecorder(
    CostAccountant accountant,
    CostEmitter costs,
    RateLimiter rateLimiter,
    GatewayMetrics metrics,
    AttemptTelemetry attemptTelemetry,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    IOptions<TracingOptions> tracing,
    ILogger<CostRecorder> logger)
{
    private readonly string _region = options.Value.Region;
    private readonly TimeSpan _slow = tracing.Value.SlowThreshold;

    /// <param name="call">The parsed call.</param>
    /// <param name="admitted">What admission held for it (budgets, the rate-limit charge).</param>
    /// <param name="outcome">How execution ended; null when it never ran to an outcome.</param>
    /// <param name="delivery">What the respond stage delivered and priced; null when it did not finish.</param>
    /// <param name="started">Stopwatch timestamp of the request's start.</param>
    public async Task RecordAsync(ChatCall call, Admitted admitted, ExecutionOutcome? outcome, Delivery? delivery, long started)
    {
        IReadOnlyList<AttemptCost> priced = [];
        try
        {
            if (outcome is not null)
            {
                KeepNotableTrace(outcome, Stopwatch.GetElapsedTime(started));
                priced = delivery?.Costs ?? accountant.Price(outcome, call.Request, null, clientAborted: true);
                attemptTelemetry.Complete(outcome, priced, delivery?.StreamFacts);
                Emit(call, admitted, outcome, delivery?.Outcome ?? DeliveryOutcome.ClientAborted, priced, started);
            }
        }
        finally
        {
            var cost = priced.Sum(a => a.CostUsd);
            if (admitted.Budget is { } budget)
            {
                await budget.SettleAsync(cost);
            }

            if (admitted.Key is { } key)
            {
                await rateLimiter.ReconcileAsync(key, admitted.Limit, priced.Sum(a => a.InputTokens + a.OutputTokens));
            }
        }
    }

    private void Emit(ChatCall call, Admitted admitted, ExecutionOutcome outcome, DeliveryOutcome delivered, IReadOnlyList<AttemptCost> priced, long started)
    {
        var target = admitted.Target!;
        var winner = outcome.Winner;
        metrics.Request(target.CategoryName, winner?.Candidate,
            winner is not null ? (winner.Outcome == AttemptOutcome.Success ? "success" : "client_error")
            : outcome.ClientAborted ? "client_aborted"
            : outcome.Reason!,
            winner is not null ? outcome.FellBack : outcome.AttemptCount > 1);
        var attribution = admitted.Attribution;
        var costUsd = priced.Sum(a => a.CostUsd);
        var billed = delivered == DeliveryOutcome.Success || costUsd > 0;
        using var span = billed ? GatewayTelemetry.StartCostEvent(call.RequestId, costUsd) : null;
        var record = new RequestCostRecorded
        {
            RequestId = call.RequestId,
            TraceParent = span is not null && TraceKeeping.WillExport(span) ? span.Id : null,
            CorrelationId = attribution.CorrelationId,
            OccurredAt = time.GetUtcNow(),
            Team = attribution.Team,
            User = attribution.User,
            Feature = attribution.Feature,
            ApiKeyId = attribution.ApiKeyId,
            Category = target.CategoryName,
            RequestedModel = call.Request.Model,
            Model = winner?.Candidate.Model.Id,
            Region = winner?.Candidate.Region,
            GatewayRegion = _region,
            Outcome = delivered switch
            {
                DeliveryOutcome.Success => "success",
                DeliveryOutcome.ClientError => "client_error",
                DeliveryOutcome.ClientAborted => "client_aborted",
                _ => "failed",
            },
            Streamed = call.Request.Stream,
            Attempts = outcome.AttemptCount,
            Fallback = outcome.FellBack,
            Hedged = outcome.Hedged,
            RoutingReason = target.Reason,
            Residency = target.Residency,
            LatencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            InputTokens = priced.Sum(a => a.InputTokens),
            CachedInputTokens = priced.Sum(a => a.CachedInputTokens),
            OutputTokens = priced.Sum(a => a.OutputTokens),
            ReasoningTokens = priced.Sum(a => a.ReasoningTokens),
            CostUsd = costUsd,
            Estimated = priced.Any(a => a.Estimated),
            AttemptCosts = priced,
        };
        if (billed)
        {
            costs.Emit(record);
        }
        else
        {
            LogNotBilled(logger, call.RequestId, record.Outcome);
        }
    }

    /// <summary>A request that fell back, panicked or was slow is traced whatever the sampling ratio (errors keep themselves).</summary>
    private void KeepNotableTrace(ExecutionOutcome outcome, TimeSpan elapsed)
    {
        if (elapsed >= _slow)
        {
            TraceKeeping.Keep(Activity.Current, "slow");
        }
        else if (outcome.Panicked)
        {
            TraceKeeping.Keep(Activity.Current, "panic");
        }
        else if (outcome.FellBack)
        {
            TraceKeeping.Keep(Activity.Current, "fallback");
        }
    }

    [LoggerMessage(4006, LogLevel.Debug, "Request {RequestId} ended {Outcome} with nothing billed; no cost event.")]
    private static partial void LogNotBilled(ILogger logger, string requestId, string outcome);
}
