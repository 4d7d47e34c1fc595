using AspireRouter.Contracts.Costs;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Keeps <c>ar:costs</c> from growing without bound: removes entries that the group has acknowledged and that are older
/// than the retention, never one that is unread or still pending (its row may not be committed yet).
/// </summary>
internal static class StreamTrimmer
{
    /// <summary>Trims up to the first entry still needed; returns how many entries were removed.</summary>
    public static async Task<long> TrimAsync(IDatabase db, TimeSpan retention, DateTimeOffset now)
    {
        var group = (await db.StreamGroupInfoAsync(CostStream.Name)).FirstOrDefault(g => g.Name == CostStream.ConsumerGroup);
        if (group.Name is null || group.LastDeliveredId is not { Length: > 0 } lastDelivered)
        {
            return 0;
        }

        // Entries after the last delivered one are unread; the oldest pending entry and everything after it may still be written.
        var keepFrom = StreamBacklog.ParseId(lastDelivered);
        if (group.PendingMessageCount > 0)
        {
            var pending = await db.StreamPendingAsync(CostStream.Name, CostStream.ConsumerGroup);
            if (pending.LowestPendingMessageId.HasValue)
            {
                keepFrom = Min(keepFrom, StreamBacklog.ParseId(pending.LowestPendingMessageId.ToString()));
            }
        }

        keepFrom = Min(keepFrom, ((ulong)Math.Max(0, (now - retention).ToUnixTimeMilliseconds()), 0UL));
        return await db.StreamTrimByMinIdAsync(CostStream.Name, $"{keepFrom.Ms}-{keepFrom.Seq}", useApproximateMaxLength: false);
    }

    private static (ulong Ms, ulong Seq) Min((ulong Ms, ulong Seq) a, (ulong Ms, ulong Seq) b) =>
        a.Ms < b.Ms || (a.Ms == b.Ms && a.Seq <= b.Seq) ? a : b;
}
