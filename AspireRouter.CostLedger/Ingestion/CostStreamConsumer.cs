using System.Diagnostics;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.DeadLetters;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using AspireRouter.CostLedger.Telemetry;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Reads <c>ar:costs</c> as a member of the <c>cost-ledger</c> group and writes it to the ledger. An entry is
/// acknowledged only after the transaction holding its row commits, so PostgreSQL being down leaves entries pending
/// (retried with backoff, this consumer's own pending first); entries left pending by a dead consumer are claimed
/// after <see cref="IngestionOptions.ClaimMinIdle"/>. No single event stops the others: one that breaks the field
/// contract, or that PostgreSQL refuses (found by splitting its batch), goes to <c>ar:costs:dead</c> alone, with the reason.
/// </summary>
internal sealed partial class CostStreamConsumer(
    IConnectionMultiplexer redis,
    IServiceScopeFactory scopes,
    LedgerSchema schema,
    LedgerMetrics metrics,
    DeadLetterStore deadLetters,
    IngestionProgress progress,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<CostStreamConsumer> logger) : BackgroundService
{
    private readonly IngestionOptions _options = options.Value;
    private readonly string _consumer = options.Value.ResolvedConsumerName;
    private bool _groupReady;
    private bool _ownPendingChecked;
    private DateTimeOffset _nextClaim;
    private DateTimeOffset _nextLagRefresh;
    private RedisValue _claimCursor = "0-0";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.WaitAsync(stoppingToken);
        LogStarted(logger, _consumer, CostStream.Name, CostStream.ConsumerGroup);
        var delay = _options.RetryMinDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var worked = await RunOnceAsync(stoppingToken);
                delay = _options.RetryMinDelay;
                if (!worked)
                {
                    await Task.Delay(_options.PollInterval, time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Nothing was acknowledged: the entries stay pending on this consumer and are read again first.
                _ownPendingChecked = false;
                if (ex is RedisServerException { Message: var message } && message.StartsWith("NOGROUP", StringComparison.Ordinal))
                {
                    _groupReady = false;
                }

                LogBatchFailed(logger, ex, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.RetryMaxDelay.Ticks));
            }
        }
    }

    /// <summary>One step: own pending entries, then entries claimed from dead consumers, then new ones. False when idle.</summary>
    internal async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        await EnsureGroupAsync(db);
        var now = time.GetUtcNow();
        if (now >= _nextLagRefresh)
        {
            _nextLagRefresh = now + _options.LagRefreshInterval;
            var backlog = await StreamBacklog.MeasureAsync(db);
            progress.Observe(backlog, now);
            metrics.Backlog(backlog.Lag, backlog.Pending, backlog.OldestPendingAge(now), await deadLetters.LengthAsync());
        }

        if (!_ownPendingChecked)
        {
            var own = await db.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, _consumer, "0-0", _options.BatchSize);
            if (own.Length > 0)
            {
                await ProcessAsync(own, cancellationToken);
                return true;
            }

            _ownPendingChecked = true;
        }

        if (now >= _nextClaim)
        {
            var claimed = await db.StreamAutoClaimAsync(CostStream.Name, CostStream.ConsumerGroup, _consumer,
                (long)_options.ClaimMinIdle.TotalMilliseconds, _claimCursor, _options.BatchSize);
            _claimCursor = claimed.NextStartId;
            if (claimed.NextStartId == "0-0")
            {
                _nextClaim = now + _options.ClaimInterval;
                await ForgetIdleConsumersAsync(db);
                if (await StreamTrimmer.TrimAsync(db, _options.StreamRetention, now) is > 0 and var trimmed)
                {
                    LogTrimmed(logger, trimmed, CostStream.Name);
                }

                if (await deadLetters.TrimAsync(now) is > 0 and var expired)
                {
                    LogTrimmed(logger, expired, CostStream.DeadLetter);
                }
            }

            if (claimed.DeletedIds is { Length: > 0 } deleted)
            {
                await db.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, deleted);
            }

            if (claimed.ClaimedEntries is { Length: > 0 } entries)
            {
                LogClaimed(logger, entries.Length);
                await ProcessAsync(entries, cancellationToken);
                return true;
            }
        }

        var fresh = await db.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, _consumer, StreamPosition.NewMessages, _options.BatchSize);
        if (fresh.Length == 0)
        {
            return false;
        }

        await ProcessAsync(fresh, cancellationToken);
        return true;
    }

    private async Task ProcessAsync(StreamEntry[] entries, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var parsed = entries.Select(CostEventParser.Parse).ToList();

        // An entry trimmed or deleted from the stream while pending comes back without values: nothing to write.
        var vanished = entries.Where(e => e.IsNull || e.Values is null || e.Values.Length == 0).Select(e => e.Id).ToHashSet();
        var invalid = parsed.Where(p => p.PoisonReason is not null && !vanished.Contains(p.Id))
            .Select(p => new DeadLetterInput(p.Id, p.Raw, p.RequestId, p.PoisonReason!)).ToList();
        var valid = parsed.Where(p => p.Event is not null).ToList();
        using var span = LedgerTracing.StartBatch([.. valid.Select(p => p.Event!)]);

        var result = new WriteResult(0, 0, null);
        var refused = new List<DeadLetterInput>();
        if (valid.Count > 0)
        {
            // One event the database refuses is split off and dead-lettered; an outage throws and leaves everything pending.
            await using var scope = scopes.CreateAsyncScope();
            var (written, rejected) = await scope.ServiceProvider.GetRequiredService<IsolatingWriter>()
                .WriteAsync([.. valid.Select(p => ((string)p.Id!, p.Event!))], cancellationToken);
            result = written;
            var raw = valid.ToDictionary(p => (string)p.Id!, p => p.Raw);
            refused.AddRange(rejected.Select(r => new DeadLetterInput(r.StreamId, raw[r.StreamId], r.Event.RequestId, r.Reason)));
        }

        // Only now, with the rows committed, may the entries leave the pending list: together with their dead letters.
        await deadLetters.CommitAsync([.. invalid, .. refused], [.. entries.Select(e => e.Id)]);
        foreach (var letter in invalid.Concat(refused))
        {
            LogDeadLettered(logger, letter.SourceId.ToString(), letter.RequestId ?? "(unknown)", letter.Reason);
        }

        metrics.Written(result.Inserted);
        metrics.Duplicates(result.Duplicates);
        metrics.DeadLettered(invalid.Count, LedgerMetrics.InvalidEvent);
        metrics.DeadLettered(refused.Count, LedgerMetrics.RefusedRow);
        metrics.BatchDuration(clock.Elapsed);
        if (result.OldestOccurredAt is { } oldest)
        {
            metrics.EndToEndLag(time.GetUtcNow() - oldest);
        }

        LogBatch(logger, entries.Length, result.Inserted, result.Duplicates, invalid.Count + refused.Count, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Every start joins the group under a new name; members with nothing pending that have been idle for
    /// <see cref="IngestionOptions.ForgetConsumerAfter"/> are removed so <c>XINFO CONSUMERS</c> stays readable.
    /// </summary>
    private async Task ForgetIdleConsumersAsync(IDatabase db)
    {
        foreach (var consumer in await db.StreamConsumerInfoAsync(CostStream.Name, CostStream.ConsumerGroup))
        {
            if (consumer.Name != _consumer && consumer.PendingMessageCount == 0 && consumer.IdleTimeInMilliseconds > _options.ForgetConsumerAfter.TotalMilliseconds)
            {
                await db.StreamDeleteConsumerAsync(CostStream.Name, CostStream.ConsumerGroup, consumer.Name);
            }
        }
    }

    private async Task EnsureGroupAsync(IDatabase db)
    {
        if (_groupReady)
        {
            return;
        }

        try
        {
            // From the beginning: events written before the ledger first ran are ledger rows too.
            await db.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning, createStream: true);
            LogGroupCreated(logger, CostStream.ConsumerGroup, CostStream.Name);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // It exists already.
        }

        _groupReady = true;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Consumer {Consumer} reading {Stream} in group {Group}.")]
    private static partial void LogStarted(ILogger logger, string consumer, string stream, string group);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Created consumer group {Group} on {Stream}.")]
    private static partial void LogGroupCreated(ILogger logger, string group, string stream);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Batch of {Entries}: {Inserted} written, {Duplicates} duplicates, {Poison} dead-lettered in {ElapsedMs:F1} ms.")]
    private static partial void LogBatch(ILogger logger, int entries, int inserted, int duplicates, int poison, double elapsedMs);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Writing cost events failed; they stay pending and are retried in {Delay}.")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Cost event {EntryId} (request {RequestId}) moved to the dead-letter stream alone: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string entryId, string requestId, string reason);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Debug, Message = "Trimmed {Count} acknowledged entries from {Stream}.")]
    private static partial void LogTrimmed(ILogger logger, long count, string stream);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "Claimed {Count} entries left pending by another consumer.")]
    private static partial void LogClaimed(ILogger logger, int count);
}
