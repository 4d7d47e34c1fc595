namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// Circuit breakers per (model, region), shared by every gateway instance through Redis. Reads come from an in-memory
/// snapshot; Redis is called only when an outcome can change a breaker's state. Never throws because of Redis: when it
/// is unreachable each instance keeps its own breakers until it returns.
/// </summary>
public interface ICircuitBreakers
{
    /// <summary>
    /// Whether <paramref name="model"/> may be attempted in <paramref name="region"/> now. Closed: yes, at no cost.
    /// Open: no, with the time it admits trials. Half-open (or open and due): takes a trial permit if one is free,
    /// which costs one Redis call. Pass the admission to <see cref="RecordAsync"/> once the attempt has ended.
    /// </summary>
    ValueTask<BreakerAdmission> AdmitAsync(string model, string region);

    /// <summary>Records how an admitted attempt ended; releases its trial permit if it had one.</summary>
    ValueTask RecordAsync(BreakerAdmission admission, BreakerOutcome outcome);

    /// <summary>Every breaker this instance knows, as of its last snapshot (for status pages and error messages).</summary>
    IReadOnlyList<BreakerStatus> GetStatuses();

    /// <summary>True while the breakers are shared through Redis; false while this instance runs on its own.</summary>
    bool IsShared { get; }
}

/// <summary>How an attempt ended, for breaker purposes.</summary>
public enum BreakerOutcome
{
    /// <summary>The provider answered (a client error counts: the provider is up).</summary>
    Success,

    /// <summary>5xx, 429, a timeout or a connection error.</summary>
    Failure,

    /// <summary>The attempt did not run to an outcome (the client left); only its trial permit is released.</summary>
    Abandoned,
}
