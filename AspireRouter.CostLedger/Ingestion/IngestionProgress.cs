using AspireRouter.Contracts.Costs;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Since when the consumer group has made no progress: fed every backlog measurement (the consumer's and the health
/// check's), it remembers when the group's read position, pending count or oldest pending entry last changed. Group-wide,
/// so a ledger replica that is idle while another one writes is not "stalled".
/// </summary>
public sealed class IngestionProgress
{
    private readonly Lock _lock = new();
    private (string? Delivered, long? EntriesRead, long Pending, string? Oldest)? _last;
    private DateTimeOffset _movedAt;

    /// <summary>Records <paramref name="snapshot"/>; returns how long a backlog has gone without moving (zero without a backlog).</summary>
    internal TimeSpan Observe(BacklogSnapshot snapshot, DateTimeOffset now)
    {
        var signature = (snapshot.LastDeliveredId, snapshot.EntriesRead, snapshot.Pending, snapshot.OldestPendingId);
        lock (_lock)
        {
            if (snapshot.Total == 0 || _last != signature)
            {
                _last = signature;
                _movedAt = now;
                return TimeSpan.Zero;
            }

            return now - _movedAt;
        }
    }
}
