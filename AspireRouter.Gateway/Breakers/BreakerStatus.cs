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

    /// <summary>Requests skip the candidate until the open period ends.</summary>
    Open = 2,
}

/// <summary>One breaker as a snapshot shows it.</summary>
/// <param name="Key">The breaker.</param>
/// <param name="State">Closed, half-open or open.</param>
/// <param name="ConsecutiveFailures">Consecutive failures while closed.</param>
/// <param name="OpenUntil">When an open breaker admits trials; null unless open.</param>
/// <param name="OpenDuration">Length of the latest open period (it doubles each time a trial fails).</param>
/// <param name="TrialSuccesses">Successful trials in the current half-open period.</param>
/// <param name="TrialsInFlight">Trial permits held and not expired.</param>
/// <param name="ChangedAt">When the state last changed; null for a breaker never tripped.</param>
/// <param name="Version">Grows with every write to the breaker; orders two readings of it.</param>
public sealed record BreakerStatus(
    BreakerKey Key,
    BreakerState State,
    int ConsecutiveFailures,
    DateTimeOffset? OpenUntil,
    TimeSpan OpenDuration,
    int TrialSuccesses,
    int TrialsInFlight,
    DateTimeOffset? ChangedAt,
    long Version)
{
    public static BreakerStatus Closed(BreakerKey key) => new(key, BreakerState.Closed, 0, null, TimeSpan.Zero, 0, 0, null, 0);

    /// <summary>Closed with no failure pending: successes need not reach Redis at once.</summary>
    public bool IsClean => State == BreakerState.Closed && ConsecutiveFailures == 0;
}
