namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// Circuit breakers and rate-limit cool-downs per (model, region), shared by every gateway instance through Redis.
/// Reads come from an in-memory snapshot; Redis is called only when an outcome can change a breaker's state. Never
/// throws because of Redis: when it is unreachable each instance keeps its own breakers until it returns.
/// </summary>
public interface ICircuitBreakers
{
    /// <summary>
    /// Whether <paramref name="model"/> may be attempted in <paramref name="region"/> now. Closed: yes, at no cost.
    /// Open or cooling down: no, with the time it admits again. Half-open (or open and due): takes a trial permit if
    /// one is free, which costs one Redis call. Pass the admission to <see cref="RecordAsync"/> once the attempt has ended.
    /// </summary>
    ValueTask<BreakerAdmission> AdmitAsync(string model, string region);

    /// <summary>
    /// Panic mode: admits <paramref name="model"/> in <paramref name="region"/> whatever its breaker says, without a
    /// trial permit (for a request none of whose candidates is admitted). Its outcome still counts in the window.
    /// </summary>
    BreakerAdmission AdmitInPanic(string model, string region);

    /// <summary>
    /// Records how an admitted attempt ended; releases its trial permit if it had one. A rate-limited attempt cools the
    /// endpoint down for <paramref name="retryAfter"/> (the provider's <c>Retry-After</c>), or a short default with jitter.
    /// </summary>
    ValueTask RecordAsync(BreakerAdmission admission, BreakerOutcome outcome, TimeSpan? retryAfter = null);

    /// <summary>The breaker of <paramref name="model"/> in <paramref name="region"/> as of the last snapshot.</summary>
    BreakerStatus StatusOf(string model, string region);

    /// <summary>
    /// An attempt on <paramref name="model"/> in <paramref name="region"/> was sent. Until <see cref="AttemptEnded"/>,
    /// it counts as not failed when a failure there is judged: failures come back faster than answers, and without
    /// the attempts still running the first outcomes after a quiet period would be the failures alone.
    /// </summary>
    void AttemptStarted(string model, string region);

    /// <summary>The attempt counted by <see cref="AttemptStarted"/> has its outcome (call before recording it).</summary>
    void AttemptEnded(string model, string region);

    /// <summary>
    /// The share (0.1 to 1) of requests that may try <paramref name="model"/> in <paramref name="region"/> first while it
    /// ramps back up after its breaker closed; 1 when it is not ramping.
    /// </summary>
    double RecoveryShare(string model, string region);

    /// <summary>Every breaker this instance knows, as of its last snapshot (for status pages and error messages).</summary>
    IReadOnlyList<BreakerStatus> GetStatuses();

    /// <summary>
    /// An operator's reset: closes the breaker of <paramref name="model"/> in <paramref name="region"/> and ends its
    /// cool-down, with an empty window, for every instance (the shared hash is deleted; the others see it at their next
    /// sync). Returns the breaker as it was, and whether the reset reached Redis (false: only this instance's copy).
    /// </summary>
    Task<(BreakerStatus Before, bool Shared)> ResetAsync(string model, string region);

    /// <summary>True while the breakers are shared through Redis; false while this instance runs on its own.</summary>
    bool IsShared { get; }
}

/// <summary>How an attempt ended, for breaker purposes.</summary>
public enum BreakerOutcome
{
    /// <summary>The provider answered (a client error counts: the provider is up).</summary>
    Success,

    /// <summary>5xx, a timeout against the provider's own deadline, a connection error, or a rejected provider key.</summary>
    Failure,

    /// <summary>429: the endpoint cools down; neither a failure nor a success.</summary>
    RateLimited,

    /// <summary>
    /// The attempt did not run to an outcome that says anything about the provider (the client left, or its own
    /// shorter deadline cut it); only its trial permit is released.
    /// </summary>
    Abandoned,
}
