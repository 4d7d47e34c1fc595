using System.Text.Json;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Moves cost events from <see cref="CostEmitter"/>'s queue to the Redis stream <see cref="CostStream.Name"/> in
/// batches, one script call (one entry per event) each; whatever Redis does not acknowledge in time is handed to the
/// <see cref="CostSpooler"/>, and the spool is replayed when Redis answers again. After a failure Redis counts as down:
/// batches go straight to the spooler, without waiting <see cref="CostOptions.RedisTimeout"/> each, until a PING every
/// <see cref="CostOptions.ReplayInterval"/> is answered. At shutdown the queue is drained to Redis or the spooler.
/// A batch is sent <see cref="CostOptions.BatchLinger"/> after its first event (or as soon as it is full), so under load
/// one command carries many events instead of one wake-up and one XADD per request. While the stream's backlog is
/// above its ceiling (<see cref="CostBackpressure"/>) batches go to the spooler too, and replay waits for room.
/// </summary>
public sealed partial class CostEmitterService(
    CostEmitter emitter,
    CostSpool spool,
    CostSpooler spooler,
    CostBackpressure backpressure,
    [FromKeyedServices(CostServiceExtensions.StreamConnection)] Func<IConnectionMultiplexer> connect,
    IOptions<CostOptions> options,
    CostMetrics metrics,
    TimeProvider time,
    ILogger<CostEmitterService> logger) : BackgroundService
{
    private readonly CostOptions _options = options.Value;
    private IConnectionMultiplexer? _connection;
    private bool _redisDown;
    private long _nextReplay;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        emitter.Complete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var reader = emitter.Reader;
        var batch = new List<RequestCostRecorded>(_options.BatchSize);
        while (true)
        {
            bool more;
            try
            {
                more = await reader.WaitToReadAsync(CancellationToken.None).AsTask().WaitAsync(_options.ReplayInterval, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                more = true;
            }

            if (more && _options.BatchLinger > TimeSpan.Zero && !stoppingToken.IsCancellationRequested && reader.Count < _options.BatchSize)
            {
                // Let the batch fill for a moment; at shutdown (stoppingToken) the queue is drained at once.
                try
                {
                    await Task.Delay(_options.BatchLinger, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                }
            }

            while (batch.Count < _options.BatchSize && reader.TryRead(out var e))
            {
                batch.Add(e);
                if (batch.Count == _options.BatchSize)
                {
                    await SendOrSpoolAsync(batch);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                await SendOrSpoolAsync(batch);
                batch.Clear();
            }

            if (!more)
            {
                return; // completed and drained
            }

            if (!stoppingToken.IsCancellationRequested && Environment.TickCount64 >= _nextReplay)
            {
                _nextReplay = Environment.TickCount64 + (long)_options.ReplayInterval.TotalMilliseconds;
                try
                {
                    if (_redisDown && await RedisAnswersAsync())
                    {
                        _redisDown = false;
                        LogRedisBack(logger);
                    }

                    if (!_redisDown && !backpressure.HoldingBack && spool.HasPending)
                    {
                        await ReplayAsync();
                    }
                }
                catch (IOException ex)
                {
                    // The spool stays on disk; the next interval tries again. Never let the emitter die.
                    LogReplayFailed(logger, ex.Message);
                }
            }
        }
    }

    /// <summary>
    /// Appends the batch to the stream in one command; hands it to the spooler when Redis does not acknowledge it, or
    /// at once while Redis counts as down or the stream's backlog is above its ceiling.
    /// </summary>
    private async Task SendOrSpoolAsync(List<RequestCostRecorded> batch)
    {
        var failed = _redisDown || backpressure.ShouldHoldBack(batch.Count) ? [.. batch] : await SendAsync(batch);
        metrics.Events("emitted", batch.Count - failed.Count);
        backpressure.Appended(batch.Count - failed.Count);
        if (failed.Count > 0)
        {
            await spooler.EnqueueAsync(failed);
        }
    }

    /// <summary>Whether Redis answers a PING within <see cref="CostOptions.RedisTimeout"/>: the probe that ends an outage.</summary>
    private async Task<bool> RedisAnswersAsync()
    {
        Task<TimeSpan>? ping = null;
        try
        {
            _connection ??= connect();
            if (!_connection.IsConnected)
            {
                return false;
            }

            ping = _connection.GetDatabase().PingAsync();
            await ping.WaitAsync(_options.RedisTimeout);
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            _ = ping?.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observe a late failure
            return false;
        }
    }

    /// <summary>Returns the events that did not reach Redis.</summary>
    private async Task<List<RequestCostRecorded>> SendAsync(List<RequestCostRecorded> batch)
    {
        IDatabase database;
        try
        {
            _connection ??= connect();
            if (!_connection.IsConnected)
            {
                MarkDown("not connected");
                return [.. batch];
            }

            database = _connection.GetDatabase();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            MarkDown(ex.GetType().Name);
            return [.. batch];
        }

        // One command per batch: a script appends every event as its own stream entry. Compared with one XADD per
        // event, the client keeps one pending command (one task, one trace span) per batch instead of per request.
        var events = new RedisValue[batch.Count + 1];
        events[0] = CostStream.EventField;
        for (var i = 0; i < batch.Count; i++)
        {
            events[i + 1] = JsonSerializer.SerializeToUtf8Bytes(batch[i], CostJsonContext.Default.RequestCostRecorded);
        }

        var send = database.ScriptEvaluateAsync(AppendScript, [CostStream.Name], events);
        try
        {
            await send.WaitAsync(_options.RedisTimeout);
        }
        catch (Exception ex)
        {
            // Whatever went wrong (Redis, a timeout, a connection disposed mid-way), the whole batch is spooled; the
            // emitter itself must never stop. A batch that times out here and lands later is a duplicate the ledger
            // ignores by request id.
            _ = send.ContinueWith(static t => t.Exception, TaskScheduler.Default); // observe late failures
            MarkDown($"a batch of {batch.Count} could not be appended ({ex.GetType().Name})");
            return [.. batch];
        }

        if (_redisDown)
        {
            _redisDown = false;
            LogRedisBack(logger);
        }

        return [];
    }

    /// <summary>KEYS[1]: the stream; ARGV[1]: the field; ARGV[2..]: one event each. Returns how many were appended.</summary>
    private const string AppendScript = """
        for i = 2, #ARGV do
          redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[i])
        end
        return #ARGV - 1
        """;

    /// <summary>
    /// Sends the spool's files to the stream, oldest first, never more than <see cref="CostBackpressure.Headroom"/>: a
    /// file cut short by the ceiling or a failure keeps only what has not reached Redis, for the next replay.
    /// </summary>
    private async Task ReplayAsync()
    {
        if (_connection is { IsConnected: false })
        {
            return; // (not yet connected, e.g. held back since start: SendAsync connects)
        }

        foreach (var file in spool.TakeForReplay())
        {
            var events = spool.Read(file);
            var replayed = 0;
            while (replayed < events.Count)
            {
                var room = backpressure.HoldingBack ? 0 : Math.Min(backpressure.Headroom, _options.BatchSize);
                var chunk = events.GetRange(replayed, (int)Math.Min(room, events.Count - replayed));
                var failed = chunk.Count == 0 ? chunk : await SendAsync(chunk);
                backpressure.Appended(chunk.Count - failed.Count);
                replayed += chunk.Count - failed.Count;
                if (chunk.Count == 0 || failed.Count > 0)
                {
                    // Keep only what has not reached Redis, so the next replay does not resend the rest.
                    spool.Rewrite(file, [.. events.Skip(replayed)]);
                    metrics.Events("replayed", replayed);
                    return;
                }
            }

            spool.Delete(file);
            metrics.Events("replayed", replayed);
            LogReplayed(logger, replayed, file);
        }
    }

    private void MarkDown(string reason)
    {
        if (!_redisDown)
        {
            _redisDown = true;
            LogRedisDown(logger, reason, spool.Directory);
        }
    }

    [LoggerMessage(4001, LogLevel.Warning, "Cost events cannot reach Redis ({Reason}); spooling them under {Directory} until it is back.")]
    private static partial void LogRedisDown(ILogger logger, string reason, string directory);

    [LoggerMessage(4002, LogLevel.Information, "Redis is back; cost events go to the stream again.")]
    private static partial void LogRedisBack(ILogger logger);

    [LoggerMessage(4004, LogLevel.Error, "Replaying the cost spool failed ({Reason}); retrying at the next interval.")]
    private static partial void LogReplayFailed(ILogger logger, string reason);

    [LoggerMessage(4003, LogLevel.Information, "Replayed {Count} spooled cost events from {File} to Redis.")]
    private static partial void LogReplayed(ILogger logger, int count, string file);
}
