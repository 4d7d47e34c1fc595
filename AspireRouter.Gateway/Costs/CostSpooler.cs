using System.Threading.Channels;
using AspireRouter.Contracts.Costs;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// Writes to the <see cref="CostSpool"/>, in the background, what Redis did not take: the emitter's failed batches and
/// the events that overflowed its queue. Its buffer is bounded (<see cref="CostOptions.SpoolQueueCapacity"/>); a
/// request only ever tries to enqueue (<see cref="TryEnqueue"/>), so a slow or stalled disk never holds one up. Each
/// write takes what is buffered, up to <see cref="MaxEventsPerWrite"/>, with one fsync.
/// </summary>
public sealed class CostSpooler(CostSpool spool, CostLoss loss, IOptions<CostOptions> options) : BackgroundService
{
    /// <summary>Events written (and fsync'd) together at most.</summary>
    public const int MaxEventsPerWrite = 1_000;

    private readonly Channel<RequestCostRecorded> _buffer = Channel.CreateBounded<RequestCostRecorded>(
        new BoundedChannelOptions(options.Value.SpoolQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>From a request: never waits. False when the buffer is full (or closed at shutdown).</summary>
    public bool TryEnqueue(RequestCostRecorded e) => _buffer.Writer.TryWrite(e);

    /// <summary>
    /// From the emitter: waits for room, so a stalled disk holds back the emitter (whose queue then overflows here, and
    /// then is lost) rather than any request. Events the spooler can no longer take (it has stopped) are lost.
    /// </summary>
    public async ValueTask EnqueueAsync(IReadOnlyList<RequestCostRecorded> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (!_buffer.Writer.TryWrite(events[i]) && !await WriteAsync(events[i]))
            {
                loss.Record(events.Count - i, "the spooler has stopped");
                return;
            }
        }
    }

    private async ValueTask<bool> WriteAsync(RequestCostRecorded e)
    {
        try
        {
            await _buffer.Writer.WriteAsync(e);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Registered before the emitter, so stopped after it: whatever the emitter handed over is written first.
        _buffer.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var reader = _buffer.Reader;
        var batch = new List<RequestCostRecorded>(MaxEventsPerWrite);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxEventsPerWrite && reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            spool.TryAppend(batch);
            batch.Clear();
        }
    }
}
