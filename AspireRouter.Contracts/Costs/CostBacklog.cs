using System.Globalization;
using StackExchange.Redis;

namespace AspireRouter.Contracts.Costs;

/// <summary>
/// The ledger group's state on <see cref="CostStream.Name"/>: entries not read yet (lag), read but not acknowledged
/// (pending), the oldest of each, and the group's read position (last delivered id, entries read), which moves only
/// when the ledger progresses. What the gateways' ceiling (<see cref="CostBacklogOptions"/>) and the ledger's health
/// measure, so both sides count the same thing.
/// </summary>
public readonly record struct BacklogSnapshot(
    long Lag, long Pending, string? LastDeliveredId, long? EntriesRead, string? OldestPendingId, string? OldestUnreadId = null)
{
    public static readonly BacklogSnapshot Empty = new(0, 0, null, null, null);

    /// <summary>Entries the ledger has not committed yet: unread plus pending.</summary>
    public long Total => Lag + Pending;

    /// <summary>Age of the oldest pending entry (its id is the time Redis added it), or null when nothing is pending.</summary>
    public TimeSpan? OldestPendingAge(DateTimeOffset now) => Pending > 0 ? AgeOf(OldestPendingId, now) : null;

    /// <summary>
    /// Age of the oldest entry the ledger has not committed, pending or unread (measured with <c>includeAges</c>);
    /// null when there is none or it was not measured.
    /// </summary>
    public TimeSpan? OldestUnconsumedAge(DateTimeOffset now) =>
        (OldestPendingAge(now), Lag > 0 ? AgeOf(OldestUnreadId, now) : null) switch
        {
            ({ } pending, { } unread) => pending > unread ? pending : unread,
            var (pending, unread) => pending ?? unread,
        };

    private static TimeSpan? AgeOf(string? id, DateTimeOffset now) =>
        id is null ? null : now - DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(StreamBacklog.ParseId(id).Ms, (ulong)long.MaxValue));
}

/// <summary>
/// Measures <see cref="BacklogSnapshot"/> with <c>XINFO GROUPS</c>; with <c>includeAges</c> also <c>XPENDING</c> (when
/// entries are pending) and one <c>XRANGE … COUNT 1</c> for the first unread entry.
/// </summary>
public static class StreamBacklog
{
    public static async Task<BacklogSnapshot> MeasureAsync(IDatabase db, bool includeAges = true)
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
                string? oldestPending = null;
                string? oldestUnread = null;
                if (includeAges && group.PendingMessageCount > 0)
                {
                    var pending = await db.StreamPendingAsync(CostStream.Name, CostStream.ConsumerGroup);
                    oldestPending = pending.LowestPendingMessageId.IsNull ? null : pending.LowestPendingMessageId.ToString();
                }

                if (includeAges && lag > 0)
                {
                    var after = group.LastDeliveredId is { Length: > 0 } delivered ? "(" + delivered : "-";
                    var first = await db.StreamRangeAsync(CostStream.Name, after, "+", 1);
                    oldestUnread = first.Length > 0 ? first[0].Id.ToString() : null;
                }

                return new BacklogSnapshot(lag, group.PendingMessageCount, group.LastDeliveredId, group.EntriesRead, oldestPending, oldestUnread);
            }
        }

        // No group yet (the ledger never ran): every entry is unconsumed.
        var length = await db.StreamLengthAsync(CostStream.Name);
        var oldest = includeAges && length > 0 ? (await db.StreamRangeAsync(CostStream.Name, "-", "+", 1)) is [var e, ..] ? e.Id.ToString() : null : null;
        return BacklogSnapshot.Empty with { Lag = length, OldestUnreadId = oldest };
    }

    /// <summary>A stream entry id <c>{ms}-{seq}</c> (or <c>{ms}</c>) as its two numbers.</summary>
    public static (ulong Ms, ulong Seq) ParseId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash < 0
            ? (ulong.Parse(id, CultureInfo.InvariantCulture), 0UL)
            : (ulong.Parse(id.AsSpan(0, dash), CultureInfo.InvariantCulture), ulong.Parse(id.AsSpan(dash + 1), CultureInfo.InvariantCulture));
    }
}
