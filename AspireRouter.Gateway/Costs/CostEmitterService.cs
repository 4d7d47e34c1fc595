using System.Text.Json;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Moves cost events from <see cref="CostEmitter"/>'s queue to the Redis stream <see cref="CostStream.Name"/> in
/// pipelined batches; whatever Redis does not acknowledge in time goes to the <see cref="CostSpool"/>, which is
/// replayed when Redis answers again. At shutdown the queue is drained to Redis or, failing that, to the spool.
/// </summary>
public sealed partial class CostEmitterService(
    CostEmitter emitter,
    CostSpool spool,
    Func<IConnectionMultiplexer> connect,
    IOptions<CostOptions> options,
    CostMetrics metrics,
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
                    if (spool.HasPending)
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

    /// <summary>XADDs the batch in one pipeline; spools the events Redis did not acknowledge.</summary>
    private async Task SendOrSpoolAsync(List<RequestCostRecorded> batch)
    {
        var failed = await SendAsync(batch);
        metrics.Events("emitted", batch.Count - failed.Count);
        if (failed.Count > 0)
        {
            spool.TryAppend(failed);
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

        var sends = batch
            .Select(e => database.StreamAddAsync(CostStream.Name, CostStream.EventField,
                JsonSerializer.SerializeToUtf8Bytes(e, CostJsonContext.Default.RequestCostRecorded)))
            .ToArray();
        try
        {
            await Task.WhenAll(sends).WaitAsync(_options.RedisTimeout);
        }
        catch (Exception)
        {
            // Whatever went wrong (Redis, a timeout, a connection disposed mid-way), the per-send status below says
            // what to spool; the emitter itself must never stop. Some XADDs may have landed: spool only the rest. One that times out here and lands later is a
            // duplicate the ledger ignores by request id.
        }

        var failed = new List<RequestCostRecorded>();
        for (var i = 0; i < sends.Length; i++)
        {
            if (!sends[i].IsCompletedSuccessfully)
            {
                failed.Add(batch[i]);
                _ = sends[i].ContinueWith(static t => t.Exception, TaskScheduler.Default); // observe late failures
            }
        }

        if (failed.Count > 0)
        {
            MarkDown($"{failed.Count} of {batch.Count} XADDs failed");
        }
        else if (_redisDown)
        {
            _redisDown = false;
            LogRedisBack(logger);
        }

        return failed;
    }

    private async Task ReplayAsync()
    {
        if (_connection is not { IsConnected: true })
        {
            return;
        }

        foreach (var file in spool.TakeForReplay())
        {
            var events = spool.Read(file);
            var replayed = 0;
            foreach (var chunk in events.Chunk(_options.BatchSize))
            {
                var failed = await SendAsync([.. chunk]);
                if (failed.Count > 0)
                {
                    // Keep only what has not reached Redis, so the next replay does not resend the rest.
                    spool.Rewrite(file, [.. failed, .. events.Skip(replayed + chunk.Length)]);
                    metrics.Events("replayed", replayed + chunk.Length - failed.Count);
                    return;
                }

                replayed += chunk.Length;
            }

            CostSpool.Delete(file);
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
