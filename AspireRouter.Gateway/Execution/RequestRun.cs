using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>The state of one request's run through its candidates.</summary>
internal sealed record RequestRun(
    ExecutionRequest Execution,
    TimeSpan Timeout,
    DateTimeOffset Deadline,
    bool ClientDeadline,
    int TriesPerCandidate,
    CancellationToken ClientAborted)
{
    public ChatRequest Request => Execution.Request;
    public RouteTarget Target => Execution.Target;
    public CandidateList List => Execution.Candidates;
    public string RequestId => Execution.RequestId;

    public int Attempts { get; set; }
    public bool DeadlineHit { get; set; }
    public bool Hedged { get; set; }

    /// <summary>Some attempt went to a candidate that was out (open, cooling down, trials busy): panic mode.</summary>
    public bool Panicked { get; set; }

    /// <summary>The retry throttle refused an extra attempt on some candidate.</summary>
    public bool Throttled { get; set; }

    /// <summary>Why no attempt won, for metrics (null while one may still win).</summary>
    public string Failure =>
        DeadlineHit ? "deadline_exceeded" : Throttled ? "throttled" : "unavailable";

    /// <summary>Failed attempts that were not rate limits (429s).</summary>
    public int ProviderFailures { get; set; }

    /// <summary>Attempts answered with 429, and the longest Retry-After among them.</summary>
    public int RateLimits { get; set; }

    public TimeSpan? LongestRetryAfter { get; set; }

    public List<string> Failures => _failures ??= [];
    public Dictionary<Candidate, string> Skipped => _skipped ??= [];

    /// <summary>Whether any attempt failed or any candidate was skipped (without creating the collections: most requests have neither).</summary>
    public bool FellBack => _failures is { Count: > 0 } || _skipped is { Count: > 0 };

    /// <summary>Forgets that <paramref name="candidate"/> was skipped in an earlier pass.</summary>
    public void Unskip(Candidate candidate) => _skipped?.Remove(candidate);

    /// <summary>Attempts made on <paramref name="candidate"/> so far.</summary>
    public int TriesOf(Candidate candidate) => _tries is not null && _tries.TryGetValue(candidate, out var tried) ? tried.Count : 0;

    /// <summary>Counts an attempt on <paramref name="candidate"/>.</summary>
    public void Tried(Candidate candidate)
    {
        _tries ??= [];
        var tried = _tries.GetValueOrDefault(candidate);
        _tries[candidate] = (tried.Count + 1, tried.EndedAt, tried.RetryAfter, false, false);
    }

    /// <summary>
    /// Remembers when an attempt on <paramref name="candidate"/> ended, the Retry-After it came with, whether it
    /// failed fast (a 5xx or connection error within the latency budget, worth retrying at once) and whether it was a
    /// 429 without Retry-After (its cool-down a guess).
    /// </summary>
    public void Ended(Candidate candidate, DateTimeOffset at, TimeSpan? retryAfter, bool failedFast, bool rateLimitedBlind)
    {
        _tries ??= [];
        _tries[candidate] = (TriesOf(candidate), at, retryAfter, failedFast, rateLimitedBlind);
    }

    /// <summary>The last attempt on <paramref name="candidate"/> failed fast.</summary>
    public bool FailedFast(Candidate candidate) => _tries is not null && _tries.TryGetValue(candidate, out var tried) && tried.FailedFast;

    /// <summary>The last attempt on <paramref name="candidate"/> was a 429 without Retry-After.</summary>
    public bool RateLimitedBlind(Candidate candidate) => _tries is not null && _tries.TryGetValue(candidate, out var tried) && tried.RateLimitedBlind;

    /// <summary>When the last attempt on <paramref name="candidate"/> ended, and the provider's Retry-After.</summary>
    public (DateTimeOffset EndedAt, TimeSpan? RetryAfter) LastTry(Candidate candidate)
    {
        var tried = _tries?.GetValueOrDefault(candidate) ?? default;
        return (tried.EndedAt, tried.RetryAfter);
    }

    public TimeSpan Remaining(TimeProvider time) => Deadline - time.GetUtcNow();

    private List<string>? _failures;
    private Dictionary<Candidate, string>? _skipped;
    private Dictionary<Candidate, (int Count, DateTimeOffset EndedAt, TimeSpan? RetryAfter, bool FailedFast, bool RateLimitedBlind)>? _tries;
}
