using System.Globalization;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.DeadLetters;

/// <summary>An event to dead-letter: the stream entry it came in, its JSON (if any), its request id (if readable) and why.</summary>
internal sealed record DeadLetterInput(RedisValue SourceId, string? Raw, string? RequestId, string Reason);

/// <summary>One entry of <c>ar:costs:dead</c>, as the admin API lists it (never the event itself).</summary>
public sealed record DeadLetterView(string Id, string? SourceId, string? RequestId, string Reason, DateTimeOffset? DeadLetteredAt, bool Replayable);

/// <summary>
/// The dead-letter stream <c>ar:costs:dead</c>: entries hold the event as received (cut past
/// <see cref="DeadLetterOptions.MaxEventLength"/>), the reason, the source entry id, the request id and when. Bounded by
/// length on every add and by age on every trim; replay puts an event back on <c>ar:costs</c> and removes its entry.
/// </summary>
internal sealed class DeadLetterStore(IConnectionMultiplexer redis, IOptions<DeadLetterOptions> options, TimeProvider time)
{
    internal const string EventField = CostStream.EventField;
    internal const string ReasonField = "reason";
    internal const string SourceIdField = "source_id";
    internal const string RequestIdField = "request_id";
    internal const string AtField = "dead_lettered_at";
    internal const string TruncatedField = "truncated";

    private readonly DeadLetterOptions _options = options.Value;

    /// <summary>
    /// Dead-letters <paramref name="letters"/> and acknowledges <paramref name="acknowledge"/> on <c>ar:costs</c> in one
    /// MULTI/EXEC: an entry never leaves the pending list without its dead letter, nor is dead-lettered and kept pending.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<DeadLetterInput> letters, RedisValue[] acknowledge)
    {
        var db = redis.GetDatabase();
        if (letters.Count == 0)
        {
            await db.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, acknowledge);
            return;
        }

        var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var transaction = db.CreateTransaction();
        var adds = letters.Select(letter => transaction.StreamAddAsync(CostStream.DeadLetter, Fields(letter, now),
            maxLength: _options.MaxLength, useApproximateMaxLength: false)).ToList();
        var ack = transaction.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, acknowledge);
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("The dead-letter transaction was not executed.");
        }

        await Task.WhenAll(adds);
        await ack;
    }

    /// <summary>The newest <paramref name="count"/> dead letters, newest first, and how many there are.</summary>
    public async Task<(long Total, List<DeadLetterView> Letters)> ListAsync(int count)
    {
        var db = redis.GetDatabase();
        var entries = await db.StreamRangeAsync(CostStream.DeadLetter, "-", "+", count, Order.Descending);
        return (await db.StreamLengthAsync(CostStream.DeadLetter), [.. entries.Select(View)]);
    }

    /// <summary>
    /// Puts dead letters back on <c>ar:costs</c> (the ones named, else the oldest <paramref name="count"/>) and removes
    /// them from the dead-letter stream, each in one MULTI/EXEC. Cut or empty events stay, counted as skipped.
    /// </summary>
    public async Task<(int Replayed, int Skipped, int Missing)> ReplayAsync(IReadOnlyList<string>? ids, int count)
    {
        var db = redis.GetDatabase();
        var entries = new List<StreamEntry>();
        var missing = 0;
        if (ids is { Count: > 0 })
        {
            foreach (var id in ids)
            {
                var found = await db.StreamRangeAsync(CostStream.DeadLetter, id, id, 1);
                if (found.Length == 1)
                {
                    entries.Add(found[0]);
                }
                else
                {
                    missing++;
                }
            }
        }
        else
        {
            entries.AddRange(await db.StreamRangeAsync(CostStream.DeadLetter, "-", "+", count));
        }

        var replayed = 0;
        foreach (var entry in entries.Where(IsReplayable))
        {
            var transaction = db.CreateTransaction();
            var add = transaction.StreamAddAsync(CostStream.Name, CostStream.EventField, entry[EventField]);
            var delete = transaction.StreamDeleteAsync(CostStream.DeadLetter, [entry.Id]);
            if (await transaction.ExecuteAsync())
            {
                await add;
                await delete;
                replayed++;
            }
        }

        return (replayed, entries.Count - replayed, missing);
    }

    /// <summary>Removes dead letters older than <see cref="DeadLetterOptions.Retention"/>; returns how many.</summary>
    public Task<long> TrimAsync(DateTimeOffset now)
    {
        var minId = Math.Max(0, (now - _options.Retention).ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture) + "-0";
        return redis.GetDatabase().StreamTrimByMinIdAsync(CostStream.DeadLetter, minId, useApproximateMaxLength: false);
    }

    public Task<long> LengthAsync() => redis.GetDatabase().StreamLengthAsync(CostStream.DeadLetter);

    private NameValueEntry[] Fields(DeadLetterInput letter, string now)
    {
        var raw = letter.Raw ?? "";
        var truncated = raw.Length > _options.MaxEventLength;
        return
        [
            new(EventField, truncated ? FieldRule.Truncate(raw, _options.MaxEventLength) : raw),
            new(ReasonField, letter.Reason),
            new(SourceIdField, letter.SourceId),
            new(RequestIdField, letter.RequestId ?? ""),
            new(AtField, now),
            new(TruncatedField, truncated ? "1" : "0"),
        ];
    }

    private static bool IsReplayable(StreamEntry entry) =>
        !entry[EventField].IsNullOrEmpty && entry[TruncatedField] != "1";

    private static DeadLetterView View(StreamEntry entry) => new(
        entry.Id.ToString(),
        NullIfEmpty(entry[SourceIdField]),
        NullIfEmpty(entry[RequestIdField]),
        entry[ReasonField].ToString(),
        DateTimeOffset.TryParse(entry[AtField].ToString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null,
        IsReplayable(entry));

    private static string? NullIfEmpty(RedisValue value) => value.IsNullOrEmpty ? null : value.ToString();
}
