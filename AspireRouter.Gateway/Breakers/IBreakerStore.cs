namespace AspireRouter.Gateway.Breakers;

/// <summary>Where breaker state lives: Redis (shared by every instance) or this process (while Redis is unreachable).</summary>
internal interface IBreakerStore
{
    /// <summary>Runs one operation of the state machine atomically.</summary>
    Task<BreakerStep> ExecuteAsync(BreakerKey key, BreakerOp op, BreakerArgs args, DateTimeOffset now);

    /// <summary>The current state of each breaker in <paramref name="keys"/> (closed for one never written).</summary>
    Task<IReadOnlyList<BreakerStatus>> ReadAsync(IReadOnlyCollection<BreakerKey> keys, DateTimeOffset now);
}
