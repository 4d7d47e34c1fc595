using AspireRouter.Contracts.Redis;

namespace AspireRouter.Gateway.Breakers;

/// <summary>A breaker's identity: a registry model id in one region.</summary>
public readonly record struct BreakerKey(string Model, string Region)
{
    public string RedisKey => RedisKeys.Breaker(Model, Region);

    public override string ToString() => $"{Model}@{Region}";
}

/// <summary>A breaker's state. The numbers are the values of the state gauge.</summary>
public enum BreakerState
{
    /// <summary>Requests flow; failures are counted.</summary>
    Closed = 0,

    /// <summary>A limited number of trial requests decide whether it closes or opens again.</summary>
    HalfOpen = 1,

    /// <summary>Requests skip the candidate until the open period ends (unless every candidate is out: panic mode).</summary>
    Open = 2,
}

/// <summary>One breaker as a snapshot shows it.</summary>
/// <param name="Key">The breaker.</param>
/// <param name="State">Closed, half-open or open.</param>
/// <param name="OpenUntil">When an open breaker admits trials; null unless open.</param>
/// <param name="OpenDuration">Length of the latest open period (it doubles each time a trial fails).</param>
/// <param name="TrialSuccesses">Successful trials in the current half-open period.</param>
/// <param name="TrialsInFlight">Trial permits held and not expired.</param>
/// <param name="ChangedAt">When the state last changed (for a closed breaker: when it closed); null for one never tripped.</param>
/// <param name="Version">Grows with every write to the breaker; orders two readings of it.</param>
public sealed record BreakerStatus(
    BreakerKey Key,
    BreakerState State,
    DateTimeOffset? OpenUntil,
    TimeSpan OpenDuration,
    int TrialSuccesses,
    int TrialsInFlight,
    DateTimeOffset? ChangedAt,
    long Version)
{
    public static BreakerStatus Closed(BreakerKey key) => new(key, BreakerState.Closed, null, TimeSpan.Zero, 0, 0, null, 0);

    /// <summary>Failed attempts in the sliding window (as of the reading).</summary>
    public long WindowFailures { get; init; }

    /// <summary>Successful attempts in the sliding window that had reached the store by the reading.</summary>
    public long WindowSuccesses { get; init; }

    /// <summary>While the endpoint cools down after a 429: when it ends; null otherwise.</summary>
    public DateTimeOffset? CoolUntil { get; init; }

    /// <summary>Length of the latest cool-down (the provider's Retry-After, or the default with jitter).</summary>
    public TimeSpan CoolDuration { get; init; }

    /// <summary>While a cool-down the provider asked for with Retry-After lasts: when it ends; null otherwise.</summary>
    public DateTimeOffset? ToldUntil { get; init; }

    /// <summary>When the endpoint last failed; null when it never has (or the breaker's hash expired).</summary>
    public DateTimeOffset? LastFailureAt { get; init; }

    /// <summary>Failures and attempts in the window when it last opened on evidence; both 0 when a failed trial reopened it.</summary>
    public int TripFailures { get; init; }

    /// <inheritdoc cref="TripFailures"/>
    public int TripAttempts { get; init; }

    /// <summary>Share of failed attempts in the window; 0 with none.</summary>
    public double FailureRatio => WindowFailures + WindowSuccesses == 0 ? 0 : (double)WindowFailures / (WindowFailures + WindowSuccesses);

    /// <summary>Whether the endpoint is cooling down at <paramref name="now"/>.</summary>
    public bool IsCooling(DateTimeOffset now) => CoolUntil is { } until && until > now;

    /// <summary>
    /// Whether the endpoint is cooling down at <paramref name="now"/> on the gateway's guess alone: after 429s without
    /// Retry-After, with no Retry-After of the provider's still running.
    /// </summary>
    public bool IsCoolingOnGuess(DateTimeOffset now) => IsCooling(now) && !(ToldUntil is { } told && told > now);

    /// <summary>Why the breaker last opened, in words fit for a status page or an error.</summary>
    public string? TripReason => State == BreakerState.Closed ? null
        : TripAttempts > 0 ? $"{TripFailures} of {TripAttempts} attempts failed in the window"
        : "a trial request failed";
}
