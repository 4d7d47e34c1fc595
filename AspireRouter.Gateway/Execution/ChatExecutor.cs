using System.Diagnostics;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Runs a request along its candidates under one deadline: the next candidate at once on a retryable failure, the
/// same model again only after the chain is exhausted, with exponential backoff, full jitter and Retry-After.
/// Candidates whose breaker is open, or whose typical latency cannot fit the time left, are skipped and named in the
/// final error. A category that hedges races the next candidate against a slow first attempt.
/// </summary>
public sealed partial class ChatExecutor(
    AttemptRunner runner,
    ICircuitBreakers breakers,
    ILatencyView latency,
    HedgeBudget hedgeBudget,
    CostAccountant accountant,
    CostEmitter costs,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<ChatExecutor> logger)
{
    /// <summary>Attempts for a concrete model id, which has no category to say otherwise.</summary>
    private const int DirectModelMaxRetries = 2;

    /// <summary>Deadline for a concrete model id.</summary>
    private static readonly TimeSpan DirectModelTimeout = TimeSpan.FromSeconds(60);

    private readonly GatewayOptions _options = options.Value;

    /// <summary>The request's deadline: the client's override when given, else the category's.</summary>
    public static TimeSpan TimeoutFor(RouteTarget target, TimeSpan? requested) =>
        requested ?? target.Category?.Timeout ?? DirectModelTimeout;

    /// <summary>
    /// Runs the request and writes its answer; returns what it cost (also emitted as a <see cref="RequestCostRecorded"/>
    /// when it succeeded or some attempt was billed).
    /// </summary>
    public async Task<RequestCostRecorded> ExecuteAsync(
        HttpContext context, ChatRequest request, RouteTarget target, CandidateList list, string requestId, TimeSpan timeout, CostAttribution attribution)
    {
        var started = Stopwatch.GetTimestamp();
        var run = new RequestRun(context, request, target, list, requestId, timeout, time.GetUtcNow() + timeout,
            1 + (target.Category?.MaxRetries ?? DirectModelMaxRetries));
        context.Response.Headers[RoutingHeaders.Category] = target.CategoryName;
        context.Response.Headers[RoutingHeaders.Reason] = target.Reason;
        if (target.Residency is { } residency)
        {
            context.Response.Headers[RoutingHeaders.Residency] = residency;
        }

        if (target.Category is { Hedging.Enabled: true } hedged)
        {
            hedgeBudget.OnRequest(hedged.Name, hedged.Hedging.MaxShare);
        }

        var attempts = new List<UpstreamAttempt>();
        try
        {
            var winner = await RunPassesAsync(run, attempts);
            var fallback = run.FellBack;
            if (winner is not null)
            {
                WriteRoutingHeaders(context.Response, winner.Candidate, run.Attempts, fallback);
                var outcome = winner.Outcome == AttemptOutcome.Success ? "success" : "client_error";
                metrics.Request(target.CategoryName, winner.Candidate, outcome, fallback);
                if (winner.OpenStream is null)
                {
                    var priced = Price(run, attempts, winner, null, false);
                    context.Response.Headers[RoutingHeaders.CostUsd] = CostAccountant.FormatUsd(priced.Sum(a => a.CostUsd));
                    var relayed = await ResponseRelay.RelayAsync(context, winner, null, _options.StreamStallTimeout, logger);
                    return Record(run, attribution, winner, relayed == RelayEnd.ClientAborted ? "client_aborted" : outcome, priced, fallback, started);
                }

                var tap = new SseUsageTap(stripUsageChunk: !request.IncludeUsage);
                var end = await ResponseRelay.RelayAsync(context, winner, tap, _options.StreamStallTimeout, logger);
                var streamed = Price(run, attempts, winner, (winner, tap), end == RelayEnd.ClientAborted);
                if (end != RelayEnd.ClientAborted)
                {
                    await ResponseRelay.WriteCostCommentAsync(context, streamed.Sum(a => a.CostUsd));
                }

                return Record(run, attribution, winner, end == RelayEnd.ClientAborted ? "client_aborted" : outcome, streamed, fallback, started);
            }

            if (context.RequestAborted.IsCancellationRequested)
            {
                metrics.Request(target.CategoryName, null, "client_aborted", run.Attempts > 1);
                return Record(run, attribution, null, "client_aborted", Price(run, attempts, null, null, false), fallback, started);
            }

            context.Response.Headers[RoutingHeaders.Attempts] = run.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
            metrics.Request(target.CategoryName, null, run.DeadlineHit ? "deadline_exceeded" : "unavailable", run.Attempts > 1);
            var failed = Price(run, attempts, null, null, false);
            context.Response.Headers[RoutingHeaders.CostUsd] = CostAccountant.FormatUsd(failed.Sum(a => a.CostUsd));
            await WriteExhaustedAsync(context, run);
            return Record(run, attribution, null, "failed", failed, fallback, started);
        }
        finally
        {
            foreach (var attempt in attempts)
            {
                await attempt.DisposeAsync();
            }
        }
    }

    /// <summary>Walks the candidates pass after pass; returns the attempt whose answer goes to the client, or null.</summary>
    private async Task<UpstreamAttempt?> RunPassesAsync(RequestRun run, List<UpstreamAttempt> attempts)
    {
        var candidates = run.List.Candidates;
        for (var pass = 0; run.Attempts < run.MaxAttempts && !run.DeadlineHit && candidates.Count > 0; pass++)
        {
            var attemptsBeforePass = run.Attempts;
            for (var i = 0; i < candidates.Count && run.Attempts < run.MaxAttempts; i++)
            {
                var candidate = candidates[i];
                if (!ResidencyRequirement.Allows(run.Target, candidate))
                {
                    // The selector never lets such a candidate through; if a future change did, fail closed here.
                    run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: outside residency region '{run.Target.Residency}'";
                    LogResidencyBlocked(logger, run.RequestId, candidate.Model.Id, candidate.Region, run.Target.Residency!);
                    continue;
                }

                var admission = await breakers.AdmitAsync(candidate.Model.Id, candidate.Region);
                if (!admission.Allowed)
                {
                    run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: {admission.Reason}";
                    continue;
                }

                run.Unskip(candidate);
                if (pass > 0 && !await BackOffAsync(run, candidate, pass))
                {
                    await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                    break;
                }

                var remaining = run.Remaining(time);
                if (latency.Get(candidate.Model.Id, candidate.Region) is { } stats && stats.P50 > remaining)
                {
                    run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: typical latency {stats.P50.TotalMilliseconds:0} ms exceeds the {remaining.TotalMilliseconds:0} ms left";
                    await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                    continue;
                }

                var hedge = pass == 0 && i + 1 < candidates.Count && run.Attempts + 1 < run.MaxAttempts ? run.Target.Category?.Hedging : null;
                var finished = hedge is { Enabled: true }
                    ? await RunHedgedAsync(run, candidate, admission, candidates[i + 1], hedge.Delay)
                    : [await RunOneAsync(run, candidate, admission)];
                attempts.AddRange(finished);
                if (finished.Count > 1)
                {
                    i++; // the hedge ran the next candidate already
                }

                foreach (var attempt in finished)
                {
                    if (attempt.Outcome is AttemptOutcome.Success or AttemptOutcome.ClientError)
                    {
                        return attempt;
                    }

                    if (attempt.Outcome is AttemptOutcome.ClientAborted)
                    {
                        return null;
                    }

                    if (attempt.Outcome is AttemptOutcome.Retryable or AttemptOutcome.DeadlineExceeded)
                    {
                        run.Failures.Add($"{attempt.Candidate.Model.Id}@{attempt.Candidate.Region}: {attempt.Failure}");
                        run.RetryAfter[attempt.Candidate] = attempt.RetryAfter;
                        LogAttemptFailed(logger, run.RequestId, attempt.Candidate.Model.Id, attempt.Candidate.Region, attempt.Failure);
                    }
                }

                if (run.Remaining(time) <= TimeSpan.Zero)
                {
                    run.DeadlineHit = true;
                    break;
                }
            }

            if (run.Attempts == attemptsBeforePass)
            {
                break; // nothing could be tried in this pass: every candidate was skipped
            }
        }

        return null;
    }

    /// <summary>Waits before retrying a model already tried; false when the wait would pass the deadline.</summary>
    private async Task<bool> BackOffAsync(RequestRun run, Candidate candidate, int pass)
    {
        var delay = Backoff.Delay(pass, _options.RetryBaseDelay, _options.RetryMaxDelay, run.RetryAfter.GetValueOrDefault(candidate), Random.Shared.NextDouble());
        if (delay >= run.Remaining(time))
        {
            run.DeadlineHit = true;
            return false;
        }

        metrics.Retry(run.Target.CategoryName, candidate.Model.Id);
        try
        {
            await Task.Delay(delay, time, run.Context.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private Task<UpstreamAttempt> RunOneAsync(RequestRun run, Candidate candidate, BreakerAdmission admission, CancellationToken superseded = default)
    {
        run.Attempts++;
        return runner.RunAsync(candidate, admission, run.Request, run.RequestId, run.Attempts, run.Remaining(time), run.Context.RequestAborted, superseded);
    }

    /// <summary>
    /// Starts <paramref name="first"/>; if it has not answered by the hedge delay (its model's p95), starts
    /// <paramref name="second"/> as well. The first answer wins, the other attempt is cancelled. Returns every
    /// attempt that ran, the decisive one last.
    /// </summary>
    private async Task<IReadOnlyList<UpstreamAttempt>> RunHedgedAsync(
        RequestRun run, Candidate first, BreakerAdmission firstAdmission, Candidate second, TimeSpan? fixedDelay)
    {
        using var cancelFirst = new CancellationTokenSource();
        var firstTask = RunOneAsync(run, first, firstAdmission, cancelFirst.Token);
        var hedgeDelay = fixedDelay ?? latency.Get(first.Model.Id, first.Region)?.P95 ?? run.Target.Category!.LatencyBudget;
        if (hedgeDelay >= run.Remaining(time)
            || await Task.WhenAny(firstTask, Task.Delay(hedgeDelay, time, run.Context.RequestAborted)) == firstTask)
        {
            return [await firstTask];
        }

        if (!ResidencyRequirement.Allows(run.Target, second))
        {
            LogResidencyBlocked(logger, run.RequestId, second.Model.Id, second.Region, run.Target.Residency!);
            return [await firstTask];
        }

        var secondAdmission = await breakers.AdmitAsync(second.Model.Id, second.Region);
        if (!secondAdmission.Allowed || !hedgeBudget.TryTake(run.Target.CategoryName))
        {
            if (secondAdmission.Allowed)
            {
                await breakers.RecordAsync(secondAdmission, BreakerOutcome.Abandoned);
            }

            return [await firstTask];
        }

        run.Hedged = true;
        using var cancelSecond = new CancellationTokenSource();
        var secondTask = RunOneAsync(run, second, secondAdmission, cancelSecond.Token);
        var done = await Task.WhenAny(firstTask, secondTask);
        var other = done == firstTask ? secondTask : firstTask;
        var winner = await done;
        if (winner.Outcome is not (AttemptOutcome.Success or AttemptOutcome.ClientError))
        {
            // The first to finish failed: the other is the only chance left in this pair.
            var last = await other;
            metrics.Hedge(run.Target.CategoryName, won: other == secondTask && last.Outcome is AttemptOutcome.Success);
            return [winner, last];
        }

        (other == firstTask ? cancelFirst : cancelSecond).Cancel();
        var loser = await other;
        metrics.Hedge(run.Target.CategoryName, won: done == secondTask);
        LogHedged(logger, run.RequestId, winner.Candidate.Model.Id, loser.Candidate.Model.Id);
        return [loser, winner];
    }

    private static Task WriteExhaustedAsync(HttpContext context, RequestRun run)
    {
        var list = run.List;
        var detail = string.Join("; ", run.Failures.Concat(run.Skipped.Values).Concat(list.Excluded));
        var error = list.ContextShortfall is { } shortfall
            ? RequestError.Invalid($"This request needs about {shortfall.Needed} tokens (prompt, max_tokens and reserve), but the largest context window available is {shortfall.LargestWindow} ({shortfall.LargestModel}). Shorten the prompt or lower max_tokens. Skipped: {detail}.", "messages", "context_length_exceeded")
            : run.Target.Residency is { } residency && (list.Candidates.Count > 0 || list.ExcludedByResidency)
            ? ResidencyRequirement.Unavailable(residency, run.DeadlineHit
                ? $"The request's deadline of {run.Timeout.TotalSeconds:0.###} s passed after {run.Attempts} attempt(s): {detail}."
                : $"{run.Attempts} attempt(s): {detail}.")
            : list.Candidates.Count == 0
            ? RequestError.Invalid($"No model of this category can serve the request: {detail}.", "model", "no_eligible_model")
            : run.Attempts == 0 && !run.DeadlineHit
                ? new RequestError(StatusCodes.Status503ServiceUnavailable, $"No candidate can be tried now: {detail}.", "api_error", null, "upstream_unavailable")
            : run.DeadlineHit
                ? new RequestError(StatusCodes.Status504GatewayTimeout, $"The request's deadline of {run.Timeout.TotalSeconds:0.###} s passed after {run.Attempts} attempt(s): {detail}.", "api_error", null, "deadline_exceeded")
                : new RequestError(StatusCodes.Status503ServiceUnavailable, $"Every candidate failed after {run.Attempts} attempt(s): {detail}.", "api_error", null, "upstream_unavailable");
        return Apis.OpenAiErrors.WriteAsync(context, error);
    }

    private static void WriteRoutingHeaders(HttpResponse response, Candidate candidate, int attempts, bool fallback)
    {
        response.Headers[RoutingHeaders.Model] = candidate.Model.Id;
        response.Headers[RoutingHeaders.Region] = candidate.Region;
        response.Headers[RoutingHeaders.Attempts] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[RoutingHeaders.Fallback] = fallback ? "true" : "false";
    }

    /// <summary>The state of one request's run through its candidates.</summary>
    private sealed record RequestRun(
        HttpContext Context,
        ChatRequest Request,
        RouteTarget Target,
        CandidateList List,
        string RequestId,
        TimeSpan Timeout,
        DateTimeOffset Deadline,
        int MaxAttempts)
    {
        public int Attempts { get; set; }
        public bool DeadlineHit { get; set; }
        public bool Hedged { get; set; }
        public List<string> Failures => _failures ??= [];
        public Dictionary<Candidate, string> Skipped => _skipped ??= [];
        public Dictionary<Candidate, TimeSpan?> RetryAfter => _retryAfter ??= [];

        /// <summary>Whether any attempt failed or any candidate was skipped (without creating the collections: most requests have neither).</summary>
        public bool FellBack => _failures is { Count: > 0 } || _skipped is { Count: > 0 };

        /// <summary>Forgets that <paramref name="candidate"/> was skipped in an earlier pass.</summary>
        public void Unskip(Candidate candidate) => _skipped?.Remove(candidate);

        private List<string>? _failures;
        private Dictionary<Candidate, string>? _skipped;
        private Dictionary<Candidate, TimeSpan?>? _retryAfter;

        public TimeSpan Remaining(TimeProvider time) => Deadline - time.GetUtcNow();
    }

    [LoggerMessage(2001, LogLevel.Warning, "Request {RequestId}: attempt on {Model}@{Region} failed ({Failure}); moving on.")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string model, string region, string? failure);

    [LoggerMessage(2003, LogLevel.Error, "Request {RequestId}: candidate {Model}@{Region} is outside residency region {Residency}; not attempted.")]
    private static partial void LogResidencyBlocked(ILogger logger, string requestId, string model, string region, string residency);

    [LoggerMessage(2002, LogLevel.Information, "Request {RequestId}: hedge race won by {Winner}; {Loser} cancelled.")]
    private static partial void LogHedged(ILogger logger, string requestId, string winner, string loser);
}
