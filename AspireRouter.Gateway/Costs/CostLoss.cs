namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Cost events that neither Redis nor the spool could take. Each loss is counted at once
/// (<c>aspirerouter.cost.events</c>, result <c>lost</c>), logged as one warning per <see cref="LogInterval"/> with the
/// count since the last one (a full queue loses events by the thousand), and raised on <c>/health</c> (Degraded) for
/// <see cref="CostOptions.LossAlertWindow"/> by <see cref="CostEventsHealthCheck"/>. Safe to call from a request: no I/O.
/// </summary>
public sealed partial class CostLoss(CostMetrics metrics, TimeProvider time, ILogger<CostLoss> logger)
{
    /// <summary>At most one loss warning per this interval.</summary>
    public static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(10);

    private long _total;
    private long _unlogged;
    private long _lastLossMs = long.MinValue;
    private long _lastLogMs = long.MinValue;

    /// <summary>Events lost since start.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>When an event was last lost; null if none was.</summary>
    public DateTimeOffset? LastLossAt
    {
        get
        {
            var ms = Interlocked.Read(ref _lastLossMs);
            return ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }

    public void Record(int count, string reason)
    {
        metrics.Events("lost", count);
        Interlocked.Add(ref _total, count);
        Interlocked.Add(ref _unlogged, count);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Interlocked.Exchange(ref _lastLossMs, now);
        var last = Interlocked.Read(ref _lastLogMs);
        if ((last == long.MinValue || now - last >= (long)LogInterval.TotalMilliseconds)
            && Interlocked.CompareExchange(ref _lastLogMs, now, last) == last)
        {
            LogLost(logger, Interlocked.Exchange(ref _unlogged, 0), reason, Total);
        }
    }

    [LoggerMessage(4005, LogLevel.Warning, "{Count} cost event(s) lost ({Reason}); {Total} since start. Those requests will have no ledger row: Redis and the local spool cannot keep up.")]
    private static partial void LogLost(ILogger logger, long count, string reason, long total);
}
