using System.Threading.Channels;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The request path's side of cost events: a bounded in-memory queue, drained by <see cref="CostEmitterService"/>.
/// Emitting never waits and never touches Redis or the disk: when the queue is full (or closed at shutdown) the event
/// goes to the <see cref="CostSpooler"/>'s buffer, and when that is full too it is lost and counted (<see cref="CostLoss"/>).
/// </summary>
public sealed class CostEmitter
{
    private readonly Channel<RequestCostRecorded> _channel;
    private readonly CostSpooler _spooler;
    private readonly CostLoss _loss;
    private readonly CostMetrics _metrics;

    public CostEmitter(Microsoft.Extensions.Options.IOptions<CostOptions> options, CostSpooler spooler, CostLoss loss, CostMetrics metrics)
    {
        _channel = Channel.CreateBounded<RequestCostRecorded>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _spooler = spooler;
        _loss = loss;
        _metrics = metrics;
    }

    internal ChannelReader<RequestCostRecorded> Reader => _channel.Reader;

    public void Emit(RequestCostRecorded e)
    {
        _metrics.Charged(e);
        if (!_channel.Writer.TryWrite(e) && !_spooler.TryEnqueue(e))
        {
            _loss.Record(1, "the emitter's queue and the spooler's buffer are full");
        }
    }

    /// <summary>No more events: the emitter drains what is queued, then stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
