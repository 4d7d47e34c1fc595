using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>An event the database refused, alone, with the reason.</summary>
internal sealed record RefusedEvent(string StreamId, RequestCostRecorded Event, string Reason);

/// <summary>
/// Writes a batch so that no single event can stop the others: when the database refuses the batch for something in
/// its data (<see cref="WriteFailures.Refusal"/>), the batch is split in halves, and halves again, until each refused
/// event stands alone; everything else is written. An outage (PostgreSQL unreachable, or not answering a probe right
/// after refusing a lone event) propagates, so nothing is refused and every entry stays pending.
/// </summary>
internal sealed class IsolatingWriter(CostWriter writer, LedgerDbContext db)
{
    public async Task<(WriteResult Written, List<RefusedEvent> Refused)> WriteAsync(
        IReadOnlyList<(string StreamId, RequestCostRecorded Event)> batch, CancellationToken cancellationToken)
    {
        var refused = new List<RefusedEvent>();
        var written = await WriteOrSplitAsync(batch, refused, cancellationToken);
        return (written, refused);
    }

    private async Task<WriteResult> WriteOrSplitAsync(
        IReadOnlyList<(string StreamId, RequestCostRecorded Event)> slice, List<RefusedEvent> refused, CancellationToken cancellationToken)
    {
        try
        {
            return await writer.WriteAsync(slice, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && WriteFailures.Refusal(ex) is { } reason)
        {
            if (slice.Count > 1)
            {
                var half = slice.Count / 2;
                var first = await WriteOrSplitAsync(slice.Take(half).ToList(), refused, cancellationToken);
                var second = await WriteOrSplitAsync(slice.Skip(half).ToList(), refused, cancellationToken);
                return Combine(first, second);
            }

            // A lone event refused: only the event's fault if the database answers now; otherwise it is an outage.
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                throw;
            }

            refused.Add(new RefusedEvent(slice[0].StreamId, slice[0].Event, reason));
            return new WriteResult(0, 0, null);
        }
    }

    private static WriteResult Combine(WriteResult a, WriteResult b) => new(
        a.Inserted + b.Inserted,
        a.Duplicates + b.Duplicates,
        a.OldestOccurredAt is { } x && b.OldestOccurredAt is { } y ? (x < y ? x : y) : a.OldestOccurredAt ?? b.OldestOccurredAt);
}
