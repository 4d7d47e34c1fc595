using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// How a request's run ended, with everything the later stages need: the attempt whose answer goes to the client (its
/// stream still open), or the error to answer with; every attempt made, for pricing; and the facts the response
/// headers and the cost event report. Owns the attempts: disposing it releases their responses and buffers.
/// </summary>
public sealed class ExecutionOutcome : IAsyncDisposable
{
    internal ExecutionOutcome(IReadOnlyList<UpstreamAttempt> attempts, UpstreamAttempt? winner, RequestError? error, RequestRun run)
    {
        Attempts = attempts;
        Winner = winner;
        Error = error;
        AttemptCount = run.Attempts;
        FellBack = run.FellBack;
        Hedged = run.Hedged;
        Panicked = run.Panicked;
        Timeout = run.Timeout;
        RetryAfter = run.LongestRetryAfter;
        Reason = run.Failure;
    }

    /// <summary>The attempt whose answer is the client's (a success, or the provider's own rejection of the request); null when none.</summary>
    public UpstreamAttempt? Winner { get; }

    /// <summary>Every attempt made, in the order they started.</summary>
    public IReadOnlyList<UpstreamAttempt> Attempts { get; }

    /// <summary>When no attempt won and the client is still there: what to answer (503, 504, 429, 400…).</summary>
    public RequestError? Error { get; }

    /// <summary>The client went away before an answer was chosen.</summary>
    public bool ClientAborted => Winner is null && Error is null;

    public int AttemptCount { get; }

    /// <summary>Some attempt failed or some candidate was skipped before the answer.</summary>
    public bool FellBack { get; }

    public bool Hedged { get; }

    /// <summary>Some attempt went to a candidate that was out (panic mode).</summary>
    public bool Panicked { get; }

    /// <summary>The request's deadline.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>For an error that is a 429: the longest Retry-After the providers gave.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Why no attempt won, for metrics: <c>deadline_exceeded</c>, <c>throttled</c>, <c>unavailable</c>; null otherwise.</summary>
    public string? Reason { get; }

    public async ValueTask DisposeAsync()
    {
        foreach (var attempt in Attempts)
        {
            await attempt.DisposeAsync();
        }
    }
}
