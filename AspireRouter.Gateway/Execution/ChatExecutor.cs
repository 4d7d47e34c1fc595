using System.Diagnostics;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Resilience;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Runs a request along its candidates under one deadline. Each pass tries every candidate once, in order, moving
/// on at once after a failure; candidates that are out (breaker open, half-open with its trials taken, or cooling
/// down after a 429) are skipped, and tried last, best first, when nothing admitted served the pass (panic mode).
/// A cool-down that is only the gateway's guess (a 429 without Retry-After) is tried past before the request goes to a
/// much slower candidate, leaves its preferred region for a farther one, or enters panic mode.
/// Later passes retry each candidate, up to the category's <c>MaxRetries</c> times, after exponential backoff with
/// full jitter and never sooner than its Retry-After. Every attempt after the first must get past the adaptive retry
/// throttle. A category that hedges races the next candidate against a slow first attempt.
/// </summary>
public sealed partial class ChatExecutor(
    AttemptRunner runner,
    ICircuitBreakers breakers,
    ILatencyView latency,
    HedgeBudget hedgeBudget,
    RetryThrottle throttle,
    TimeProvider time,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<ChatExecutor> logger)
{
    /// <summary>Retries of each candidate for a concrete model id, which has no category to say otherwise.</summary>
    private const int DirectModelMaxRetries = 2;

    /// <summary>What counts as a fast failure for a concrete model id, which has no latency budget to say otherwise.</summary>
    private static readonly TimeSpan DirectModelFastFailure = TimeSpan.FromSeconds(1);

    /// <summary>Deadline for a concrete model id.</summary>
    private static readonly TimeSpan DirectModelTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How much slower (p95) a candidate may be and still take first attempts a guessed cool-down steers away.</summary>
    private const double GuessSteersWithin = 1.5;

    private readonly GatewayOptions _options = options.Value;

    /// <summary>
    /// Runs the request along its candidates and returns how it ended: the winning attempt (its answer not yet read
    /// past what choosing it needed) or the error to answer with. Writes nothing to the client.
    /// </summary>
    public async Task<ExecutionOutcome> ExecuteAsync(ExecutionRequest execution, CancellationToken clientAborted)
    {
        var target = execution.Target;
        var own = target.Category?.Timeout ?? DirectModelTimeout;
        var timeout = execution.RequestedTimeout ?? own;
        var run = new RequestRun(execution, timeout, time.GetUtcNow() + timeout,
            ClientDeadline: execution.RequestedTimeout < own,
            TriesPerCandidate: 1 + (target.Category?.MaxRetries ?? DirectModelMaxRetries),
            ClientAborted: clientAborted);
        if (target.Category is { Hedging.Enabled: true } hedged)
        {
            hedgeBudget.OnRequest(hedged.Name, hedged.Hedging.MaxShare);
        }

        var attempts = new List<UpstreamAttempt>();
        try
        {
            var winner = await RunPassesAsync(run, attempts);
            var error = winner is null && !clientAborted.IsCancellationRequested ? ExhaustedError.For(run) : null;
            return new ExecutionOutcome(attempts, winner, error, run);
        }
        catch
        {
            foreach (var attempt in attempts)
            {
                await attempt.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Walks the candidates pass after pass; returns the attempt whose answer goes to the client, or null.</summary>
    private async Task<UpstreamAttempt?> RunPassesAsync(RequestRun run, List<UpstreamAttempt> attempts)
    {
        var order = RecoveryOrder(run.List.Candidates);
        for (var pass = 0; pass < run.TriesPerCandidate && !run.DeadlineHit && order.Count > 0; pass++)
        {
            var attemptsBeforePass = run.Attempts;
            List<(Candidate Candidate, BreakerAdmission Admission)>? outs = null;
            var home = order.Count;
            for (var i = 0; i < order.Count; i++)
            {
                var candidate = order[i];
                if (home == order.Count && candidate.Region != order[0].Region)
                {
                    // Leaving the preferred region. When it is this gateway's own, the other is the far one: first the
                    // preferred region's candidates that only a guessed cool-down kept out. (When the preferred region
                    // is the far one, as regional-cn's is for gateway-global, moving on is what saves the distance.)
                    home = i;
                    var (nearWinner, nearStop) = IsOwnRegion(order[0].Region)
                        ? await TryPastGuessesAsync(run, attempts, order.Take(i), outs, pass)
                        : (null, false);
                    if (nearWinner is not null || nearStop)
                    {
                        return nearWinner;
                    }
                }

                if (!ResidencyRequirement.Allows(run.Target, candidate))
                {
                    // The selector never lets such a candidate through; if a future change did, fail closed here.
                    run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: outside residency region '{run.Target.Residency}'";
                    LogResidencyBlocked(logger, run.RequestId, candidate.Model.Id, candidate.Region, run.Target.Residency!);
                    continue;
                }

                if (run.TriesOf(candidate) > pass)
                {
                    continue; // already tried in this pass (as a hedge)
                }

                if (outs is not null)
                {
                    // A guessed cool-down steers first attempts to candidates about as fast as the one it keeps out; before
                    // a clearly slower one (kimi-k2-5 after glm-5 in regional-cn), the faster ones it kept out are tried past it.
                    var (fastWinner, fastStop) = await TryPastGuessesAsync(run, attempts,
                        order.Take(i).Where(faster => faster.Region == candidate.Region && MuchSlower(candidate, faster)), outs, pass);
                    if (fastWinner is not null || fastStop)
                    {
                        return fastWinner;
                    }
                }

                var admission = await breakers.AdmitAsync(candidate.Model.Id, candidate.Region);
                if (!admission.Allowed)
                {
                    run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: {admission.Reason}";
                    (outs ??= []).Add((candidate, admission));
                    continue;
                }

                run.Unskip(candidate);
                var hedgeWith = pass == 0 && i + 1 < order.Count ? order[i + 1] : null;
                var (winner, stop) = await TryWithRetriesAsync(run, attempts, candidate, admission, hedgeWith);
                if (winner is not null || stop)
                {
                    return winner;
                }
            }

            if (home == order.Count)
            {
                // One region only: its candidates that only a guessed cool-down kept out, before panic mode.
                var (nearWinner, nearStop) = await TryPastGuessesAsync(run, attempts, order, outs, pass);
                if (nearWinner is not null || nearStop)
                {
                    return nearWinner;
                }
            }

            // Nothing admitted served this pass: try the candidates that were out, best first (panic mode).
            if (outs is not null)
            {
                var (winner, stop) = await TryOutsAsync(run, attempts, outs, pass);
                if (winner is not null || stop)
                {
                    return winner;
                }
            }

            if (run.Attempts == attemptsBeforePass)
            {
                break; // nothing could be tried in this pass
            }
        }

        return null;
    }

    /// <summary>
    /// One candidate's turn: the retry throttle for an extra attempt, the backoff for a retry, the latency check, then
    /// the attempt (hedged when the category hedges). Returns the winning attempt, or whether the request must stop.
    /// </summary>
    private async Task<(UpstreamAttempt? Winner, bool Stop)> TryAsync(
        RequestRun run, List<UpstreamAttempt> attempts, Candidate candidate, BreakerAdmission admission, Candidate? hedgeWith, bool immediate = false)
    {
        if (run.Attempts > 0 && !throttle.AllowExtra(candidate.Key, Random.Shared.NextDouble()))
        {
            // Most recent attempts on this candidate failed: no extra load on it; the request moves on.
            run.Throttled = true;
            run.Skipped[candidate] = $"{candidate.Key}: retry throttle (most recent attempts on it failed)";
            metrics.Throttled(run.Target.CategoryName);
            LogThrottled(logger, run.RequestId, candidate.Key);
            await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
            return (null, false);
        }

        if (immediate)
        {
            metrics.Retry(run.Target.CategoryName, candidate.Model.Id);
        }
        else if (run.TriesOf(candidate) > 0 && !await BackOffAsync(run, candidate))
        {
            await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
            return (null, run.ClientAborted.IsCancellationRequested);
        }

        var remaining = run.Remaining(time);
        if (remaining <= TimeSpan.Zero)
        {
            // The deadline passed while this candidate was admitted or waited for: no attempt is started after it.
            run.DeadlineHit = true;
            await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
            return (null, true);
        }

        if (latency.Get(candidate.Model.Id, candidate.Region) is { } stats && stats.P50 > remaining)
        {
            run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: typical latency {stats.P50.TotalMilliseconds:0} ms exceeds the {remaining.TotalMilliseconds:0} ms left";
            await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
            return (null, false);
        }

        if (run.FellBack)
        {
            TraceKeeping.Keep(Activity.Current, "fallback");
        }

        if (admission.Panic)
        {
            TraceKeeping.Keep(Activity.Current, "panic");
            run.Panicked = true;
            throttle.OnPanic(candidate.Key);
            metrics.Panic(run.Target.CategoryName, candidate);
            LogPanic(logger, run.RequestId, candidate.Model.Id, candidate.Region);
        }

        var hedge = hedgeWith is not null && !admission.Panic ? run.Target.Category?.Hedging : null;
        var finished = hedge is { Enabled: true }
            ? await RunHedgedAsync(run, candidate, admission, hedgeWith!, hedge.Delay)
            : [await RunOneAsync(run, candidate, admission)];
        attempts.AddRange(finished);

        UpstreamAttempt? winner = null;
        var aborted = false;
        foreach (var attempt in finished)
        {
            run.Ended(attempt.Candidate, time.GetUtcNow(), attempt.RetryAfter,
                failedFast: attempt.Outcome == AttemptOutcome.Retryable && attempt.Elapsed < (run.Target.Category?.LatencyBudget ?? DirectModelFastFailure),
                rateLimitedBlind: attempt.Outcome == AttemptOutcome.RateLimited && attempt.RetryAfter is null);
            switch (attempt.Outcome)
            {
                case AttemptOutcome.Success or AttemptOutcome.ClientError:
                    throttle.OnAttempt(attempt.Candidate.Key, accepted: true);
                    winner = attempt;
                    break;
                case AttemptOutcome.ClientAborted:
                    aborted = true;
                    break;
                case AttemptOutcome.RateLimited:
                    throttle.OnAttempt(attempt.Candidate.Key, accepted: false);
                    run.RateLimits++;
                    run.LongestRetryAfter = attempt.RetryAfter > run.LongestRetryAfter || run.LongestRetryAfter is null ? attempt.RetryAfter : run.LongestRetryAfter;
                    Failed(attempt);
                    break;
                case AttemptOutcome.Retryable or AttemptOutcome.DeadlineExceeded:
                    if (!attempt.ClientDeadline)
                    {
                        throttle.OnAttempt(attempt.Candidate.Key, accepted: false);
                    }

                    run.ProviderFailures++;
                    Failed(attempt);
                    break;
            }
        }

        if (winner is not null || aborted)
        {
            return (winner, true);
        }

        if (run.Remaining(time) <= TimeSpan.Zero)
        {
            run.DeadlineHit = true;
        }

        return (null, run.DeadlineHit);

        void Failed(UpstreamAttempt attempt)
        {
            run.Failures.Add($"{attempt.Candidate.Model.Id}@{attempt.Candidate.Region}: {attempt.Failure}");
            LogAttemptFailed(logger, run.RequestId, attempt.Candidate.Model.Id, attempt.Candidate.Region, attempt.Failure);
        }
    }

    /// <summary>
    /// Whether <paramref name="candidate"/> is typically much slower than <paramref name="than"/>: its p95 more than
    /// <see cref="GuessSteersWithin"/> times the other's. False while either is unknown.
    /// </summary>
    private bool MuchSlower(Candidate candidate, Candidate than) =>
        TypicalP95(candidate) is { } slow && TypicalP95(than) is { } fast && slow > fast * GuessSteersWithin;

    /// <summary>
    /// The candidate's p95 in its region or, with too few samples there, the model's in another region: how fast a
    /// model answers is mostly the model's (a region this gateway seldom calls has few samples of its own).
    /// </summary>
    private TimeSpan? TypicalP95(Candidate candidate)
    {
        if (latency.Get(candidate.Model.Id, candidate.Region) is { } own)
        {
            return own.P95;
        }

        foreach (var region in candidate.Model.Regions)
        {
            if (region != candidate.Region && latency.Get(candidate.Model.Id, region) is { } elsewhere)
            {
                return elsewhere.P95;
            }
        }

        return null;
    }

    private bool IsOwnRegion(string region) => string.Equals(region, _options.Region, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Tries <paramref name="candidate"/>, then, after a fast failure or a 429 without Retry-After, again at once, up to
    /// its retries (at least FastFailureRetries), as the seed's SDK retries a model: a transient 5xx or a blind 429 costs
    /// milliseconds, and the next candidate may be slower, dearer or far away.
    /// </summary>
    private async Task<(UpstreamAttempt? Winner, bool Stop)> TryWithRetriesAsync(
        RequestRun run, List<UpstreamAttempt> attempts, Candidate candidate, BreakerAdmission admission, Candidate? hedgeWith)
    {
        var (winner, stop) = await TryAsync(run, attempts, candidate, admission, hedgeWith);
        while (winner is null && !stop && (run.FailedFast(candidate) || run.RateLimitedBlind(candidate))
            && run.TriesOf(candidate) < Math.Max(run.TriesPerCandidate, 1 + _options.FastFailureRetries))
        {
            var again = await AdmitPastGuessAsync(candidate);
            if (!again.Allowed)
            {
                break;
            }

            var before = run.Attempts;
            (winner, stop) = await TryAsync(run, attempts, candidate, again, hedgeWith: null, immediate: true);
            if (run.Attempts == before)
            {
                break; // not tried (the retry throttle, the deadline): on to the next candidate
            }
        }

        return (winner, stop);
    }

    /// <summary>
    /// Admission past a guessed cool-down. After a 429 without Retry-After the endpoint cools down for a guessed time,
    /// which sends the other requests' first attempts to the region's other candidates; it never keeps a request from
    /// retrying it, nor sends one to the other region or into panic mode. A provider's Retry-After, an open breaker or
    /// half-open trials in flight are obeyed as usual.
    /// </summary>
    private async ValueTask<BreakerAdmission> AdmitPastGuessAsync(Candidate candidate)
    {
        var admission = await breakers.AdmitAsync(candidate.Model.Id, candidate.Region);
        return !admission.Allowed && admission.CoolGuessed && admission.State == BreakerState.Closed
            ? admission with { Allowed = true, CoolUntil = null, CoolGuessed = false }
            : admission;
    }

    /// <summary>
    /// Before a request goes somewhere slower than what a guessed cool-down kept out — a candidate of the same region
    /// much slower than it, the other region when the preferred one is this gateway's own, or panic mode when it has no
    /// other region:
    /// tries, in the policy's order, each of <paramref name="home"/> that this pass skipped for a guessed cool-down, and
    /// each whose last attempt in this request was a 429 without Retry-After while it has retries left. A guessed
    /// cool-down costs milliseconds to try past; the other region costs its distance on every answer.
    /// </summary>
    private async Task<(UpstreamAttempt? Winner, bool Stop)> TryPastGuessesAsync(
        RequestRun run, List<UpstreamAttempt> attempts, IEnumerable<Candidate> home,
        List<(Candidate Candidate, BreakerAdmission Admission)>? outs, int pass)
    {
        foreach (var candidate in home)
        {
            var skippedOnGuess = run.TriesOf(candidate) <= pass && outs is not null
                && outs.Exists(o => o.Candidate == candidate && o.Admission.CoolGuessed && o.Admission.State == BreakerState.Closed);
            var drewBlind429 = run.RateLimitedBlind(candidate) && run.TriesOf(candidate) < run.TriesPerCandidate;
            if (run.DeadlineHit || !(skippedOnGuess || drewBlind429))
            {
                continue;
            }

            var admission = await AdmitPastGuessAsync(candidate);
            if (!admission.Allowed)
            {
                continue;
            }

            run.Unskip(candidate);
            var (winner, stop) = await TryWithRetriesAsync(run, attempts, candidate, admission, hedgeWith: null);
            if (winner is not null || stop)
            {
                return (winner, stop);
            }
        }

        return (null, false);
    }

    /// <summary>Panic mode: tries <paramref name="outs"/>, best first, each at most once per pass.</summary>
    private async Task<(UpstreamAttempt? Winner, bool Stop)> TryOutsAsync(
        RequestRun run, List<UpstreamAttempt> attempts, List<(Candidate Candidate, BreakerAdmission Admission)> outs, int pass)
    {
        foreach (var candidate in PanicOrder.Sort(outs, breakers, time.GetUtcNow()))
        {
            if (run.DeadlineHit || run.TriesOf(candidate) > pass)
            {
                continue;
            }

            var admission = breakers.AdmitInPanic(candidate.Model.Id, candidate.Region);
            var (winner, stop) = await TryAsync(run, attempts, candidate, admission, hedgeWith: null);
            if (winner is not null || stop)
            {
                return (winner, stop);
            }
        }

        return (null, false);
    }

    /// <summary>
    /// Candidates in the policy's order, but one whose breaker closed recently (ramping up again) goes last for the
    /// requests its share does not cover yet: recovery takes traffic back gradually, and is never skipped outright.
    /// </summary>
    private IReadOnlyList<Candidate> RecoveryOrder(IReadOnlyList<Candidate> candidates)
    {
        List<Candidate>? later = null;
        List<Candidate>? order = null;
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var share = breakers.RecoveryShare(candidate.Model.Id, candidate.Region);
            if (share >= 1 || Random.Shared.NextDouble() < share)
            {
                order?.Add(candidate);
                continue;
            }

            order ??= [.. candidates.Take(i)];
            (later ??= []).Add(candidate);
        }

        return order is null ? candidates : [.. order, .. later!];
    }

    /// <summary>
    /// Waits before retrying a candidate already tried: exponential backoff with full jitter from its last attempt's
    /// end, and never sooner than its Retry-After. False when the wait would pass the deadline (the candidate is
    /// skipped) or the client left.
    /// </summary>
    private async Task<bool> BackOffAsync(RequestRun run, Candidate candidate)
    {
        var (endedAt, retryAfter) = run.LastTry(candidate);
        var delay = Backoff.Delay(run.TriesOf(candidate), _options.RetryBaseDelay, _options.RetryMaxDelay, retryAfter, Random.Shared.NextDouble());
        var wait = endedAt + delay - time.GetUtcNow();
        if (wait >= run.Remaining(time))
        {
            run.Skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: its retry would pass the deadline";
            return false;
        }

        metrics.Retry(run.Target.CategoryName, candidate.Model.Id);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(wait, time, run.ClientAborted);
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
        run.Tried(candidate);
        return runner.RunAsync(candidate, admission, run.Request, run.RequestId, run.Attempts, run.Remaining(time), run.ClientDeadline, run.ClientAborted, superseded);
    }

    /// <summary>
    /// Starts <paramref name="first"/>; if it has not answered by the hedge delay (its model's p95), starts
    /// <paramref name="second"/> as well, when its breaker, the hedge budget and the retry throttle allow. The first
    /// answer wins, the other attempt is cancelled. Returns every attempt that ran, the decisive one last.
    /// </summary>
    private async Task<IReadOnlyList<UpstreamAttempt>> RunHedgedAsync(
        RequestRun run, Candidate first, BreakerAdmission firstAdmission, Candidate second, TimeSpan? fixedDelay)
    {
        using var cancelFirst = new CancellationTokenSource();
        var firstTask = RunOneAsync(run, first, firstAdmission, cancelFirst.Token);
        var hedgeDelay = fixedDelay ?? latency.Get(first.Model.Id, first.Region)?.P95 ?? run.Target.Category!.LatencyBudget;
        if (hedgeDelay >= run.Remaining(time)
            || await Task.WhenAny(firstTask, Task.Delay(hedgeDelay, time, run.ClientAborted)) == firstTask)
        {
            return [await firstTask];
        }

        if (!ResidencyRequirement.Allows(run.Target, second))
        {
            LogResidencyBlocked(logger, run.RequestId, second.Model.Id, second.Region, run.Target.Residency!);
            return [await firstTask];
        }

        var secondAdmission = await breakers.AdmitAsync(second.Model.Id, second.Region);
        if (!secondAdmission.Allowed || !hedgeBudget.TryTake(run.Target.CategoryName) || !throttle.AllowExtra(second.Key, Random.Shared.NextDouble())
            || (run.Execution.BeforeHedge is { } beforeHedge && !await beforeHedge(second, run.ClientAborted)))
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

    [LoggerMessage(2001, LogLevel.Warning, "Request {RequestId}: attempt on {Model}@{Region} failed ({Failure}); moving on.")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string model, string region, string? failure);

    [LoggerMessage(2003, LogLevel.Error, "Request {RequestId}: candidate {Model}@{Region} is outside residency region {Residency}; not attempted.")]
    private static partial void LogResidencyBlocked(ILogger logger, string requestId, string model, string region, string residency);

    [LoggerMessage(2004, LogLevel.Warning, "Request {RequestId}: every candidate is out; trying {Model}@{Region} anyway (panic mode).")]
    private static partial void LogPanic(ILogger logger, string requestId, string model, string region);

    [LoggerMessage(2005, LogLevel.Debug, "Request {RequestId}: the retry throttle refused a further attempt on {Candidate}.")]
    private static partial void LogThrottled(ILogger logger, string requestId, string candidate);

    [LoggerMessage(2002, LogLevel.Debug, "Request {RequestId}: hedge race won by {Winner}; {Loser} cancelled.")]
    private static partial void LogHedged(ILogger logger, string requestId, string winner, string loser);
}
