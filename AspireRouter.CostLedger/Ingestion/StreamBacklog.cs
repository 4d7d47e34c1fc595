using AspireRouter.Contracts.Costs;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// The consumer group's state: entries not read yet (lag), read but not acknowledged (pending), the oldest pending
/// entry, and the group's read position (last delivered id, entries read), which moves only when the ledger progresses.
/// </summary>
internal readonly record struct BacklogSnapshot(long Lag, long Pending, string? LastDeliveredId, long? EntriesRead, string? OldestPendingId)
{
    public static readonly BacklogSnapshot Empty = new(0, 0, null, null, null);

    public long Total => Lag + Pending;

    /// <summary>Age of the oldest pending entry (its id is the time Redis added it), or null when nothing is pending.</summary>
    public TimeSpan? OldestPendingAge(DateTimeOffset now) =>
        Pending > 0 && OldestPendingId is { } id
            ? now - DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(StreamTrimmer.ParseId(id).Ms, (ulong)long.MaxValue))
            : null;
}

/// <summary>Measures <see cref="BacklogSnapshot"/> with <c>XINFO GROUPS</c> and, when entries are pending, <c>XPENDING</c>.</summary>
internal static class StreamBacklog
{
    public static async Task<BacklogSnapshot> MeasureAsync(IDatabase db)
    {
        if (!await db.KeyExistsAsync(CostStream.Name))
        {
            return BacklogSnapshot.Empty;
        }

        foreach (var group in await db.StreamGroupInfoAsync(CostStream.Name))
        {
            if (group.Name == CostStream.ConsumerGroup)
            {
                // Lag is unknown to Redis after some deletions; then count the whole stream as a conservative bound.
                var lag = group.Lag ?? await db.StreamLengthAsync(CostStream.Name);
                string? oldest = null;
                if (group.PendingMessageCount > 0)
                {
                    var pending = await db.StreamPendingAsync(CostStream.Name, CostStream.ConsumerGroup);
                    oldest = pending.LowestPendingMessageId.IsNull ? null : pending.LowestPendingMessageId.ToString();
                }

                return new BacklogSnapshot(lag, group.PendingMessageCount, group.LastDeliveredId, group.EntriesRead, oldest);
            }
        }

        return BacklogSnapshot.Empty with { Lag = await db.StreamLengthAsync(CostStream.Name) };
    }
}
