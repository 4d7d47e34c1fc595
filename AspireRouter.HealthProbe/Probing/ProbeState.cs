namespace AspireRouter.HealthProbe.Probing;

/// <summary>What the health check and logs need from the worker: leadership, Redis reachability, last round.</summary>
public sealed class ProbeState(TimeProvider time)
{
    private long _lastRoundUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();

    public bool IsLeader { get; set; }

    public bool RedisReachable { get; set; } = true;

    /// <summary>When a round of every model and region last completed (by any replica, read from Redis), or start-up.</summary>
    public DateTimeOffset LastRound
    {
        get => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Read(ref _lastRoundUnixMs));
        set => Interlocked.Exchange(ref _lastRoundUnixMs, Math.Max(Interlocked.Read(ref _lastRoundUnixMs), value.ToUnixTimeMilliseconds()));
    }
}
