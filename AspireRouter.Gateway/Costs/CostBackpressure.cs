using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The emitter's ceiling on <see cref="CostStream.Name"/> (<see cref="CostBacklogOptions"/>). One background task measures
/// the ledger's backlog every <see cref="CostBacklogOptions.SampleInterval"/> (<c>XINFO GROUPS</c>: no round trip per
/// event); between two measurements the emitter adds what it appended itself (<see cref="Appended"/>). From the moment
/// the backlog reaches <see cref="CostBacklogOptions.Ceiling"/> until a measurement finds it below
/// <see cref="CostBacklogOptions.ResumeBelow"/>, the emitter holds its batches back in the spool (<see cref="ShouldHoldBack"/>),
/// and replay never sends more than <see cref="Headroom"/>. When the spool reaches <see cref="CostOptions.MaxSpoolBytes"/>,
/// batches go to Redis over the ceiling instead, counted and logged: nothing is dropped. A failed measurement changes
/// nothing (an unreachable Redis is the emitter's own case: it spools anyway).
/// </summary>
public sealed partial class CostBackpressure(
    [FromKeyedServices(CostServiceExtensions.StreamConnection)] Func<IConnectionMultiplexer> connect,
    CostSpool spool,
    CostMetrics metrics,
    IOptions<CostBacklogOptions> policy,
    IOptions<CostOptions> options,
    TimeProvider time,
    ILogger<CostBackpressure> logger) : BackgroundService
{
    private readonly CostBacklogOptions _policy = policy.Value;
    private readonly long _maxSpoolBytes = options.Value.MaxSpoolBytes;
    private readonly Lock _lock = new();
    private long _measured = -1;
    private long _added;
    private bool _holding;
    private bool _spoolFull;

    /// <summary>Whether events are held back in the spool: the backlog reached the ceiling and has not fallen below the resume mark.</summary>
    public bool HoldingBack
    {
        get
        {
            lock (_lock)
            {
                return _holding;
            }
        }
    }

    /// <summary>Entries the stream may still take before the ceiling, as far as this gateway knows (unbounded before a measurement).</summary>
    public long Headroom
    {
        get
        {
            lock (_lock)
            {
                return _measured < 0 ? long.MaxValue : Math.Max(0, _policy.Ceiling - _measured - _added);
            }
        }
    }

    /// <summary>The emitter appended <paramref name="count"/> entries; reaching the ceiling holds back at once, before the next measurement.</summary>
    public void Appended(int count)
    {
        lock (_lock)
        {
            _added += count;
            if (!_holding && _measured >= 0 && _measured + _added >= _policy.Ceiling)
            {
                Hold(_measured + _added);
            }
        }
    }

    /// <summary>
    /// Whether a batch of <paramref name="count"/> goes to the spool (counted <c>held_back</c>) rather than the stream. While
    /// holding back with the spool at its bound, false: the batch goes to Redis, counted <c>over_ceiling</c> and logged once.
    /// </summary>
    public bool ShouldHoldBack(int count)
    {
        if (!HoldingBack)
        {
            return false;
        }

        var bytes = spool.Bytes;
        if (bytes < _maxSpoolBytes)
        {
            metrics.Events("held_back", count);
            return true;
        }

        metrics.Events("over_ceiling", count);
        lock (_lock)
        {
            if (!_spoolFull)
            {
                _spoolFull = true;
                LogSpoolFull(logger, bytes, _maxSpoolBytes);
            }
        }

        return false;
    }

    /// <summary>Takes a backlog measurement: starts holding back at the ceiling, stops below the resume mark.</summary>
    internal void Observe(long backlog)
    {
        lock (_lock)
        {
            _measured = backlog;
            _added = 0;
            if (!_holding && backlog >= _policy.Ceiling)
            {
                Hold(backlog);
            }
            else if (_holding && backlog < _policy.ResumeBelow)
            {
                _holding = false;
                _spoolFull = false;
                LogResumed(logger, backlog, _policy.ResumeBelow);
            }
        }
    }

    private void Hold(long backlog)
    {
        _holding = true;
        LogHolding(logger, backlog, _policy.Ceiling, spool.Directory, _policy.ResumeBelow);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_policy.SampleInterval, time);
        do
        {
            try
            {
                var connection = connect();
                if (connection.IsConnected)
                {
                    var backlog = await StreamBacklog.MeasureAsync(connection.GetDatabase(), includeAges: false)
                        .WaitAsync(options.Value.RedisTimeout, stoppingToken);
                    Observe(backlog.Total);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Keep the last state and never stop measuring; the emitter finds out about Redis on its own.
                LogMeasureFailed(logger, ex.GetType().Name);
            }

            metrics.Backpressure(Interlocked.Read(ref _measured), HoldingBack, spool.Bytes);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(4014, LogLevel.Debug, "Measuring the cost stream's backlog failed ({Reason}); keeping the last state.")]
    private static partial void LogMeasureFailed(ILogger logger, string reason);

    [LoggerMessage(4011, LogLevel.Warning, "The cost stream's backlog is {Backlog} entries, at or above its ceiling of {Ceiling}: the ledger is behind. Cost events are held back in the spool under {Directory} until the backlog is below {ResumeBelow}.")]
    private static partial void LogHolding(ILogger logger, long backlog, long ceiling, string directory, long resumeBelow);

    [LoggerMessage(4012, LogLevel.Information, "The cost stream's backlog is down to {Backlog} entries, below {ResumeBelow}: cost events go to the stream again and the spool is replayed.")]
    private static partial void LogResumed(ILogger logger, long backlog, long resumeBelow);

    [LoggerMessage(4013, LogLevel.Error, "The cost spool holds {Bytes} bytes, its bound (Costs:MaxSpoolBytes) is {MaxBytes}: cost events go to Redis over the stream's ceiling until the ledger catches up.")]
    private static partial void LogSpoolFull(ILogger logger, long bytes, long maxBytes);
}
