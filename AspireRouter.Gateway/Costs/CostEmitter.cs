using System.Threading.Channels;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The request path's side of cost events: a bounded in-memory queue, drained by <see cref="CostEmitterService"/>.
/// Emitting never waits on Redis; when the queue is full (or closed at shutdown) the event goes to the spool at once.
/// </summary>
public sealed class CostEmitter
{
    private readonly Channel<RequestCostRecorded> _channel;
    private readonly CostSpool _spool;
    private readonly CostMetrics _metrics;

    public CostEmitter(Microsoft.Extensions.Options.IOptions<CostOptions> options, CostSpool spool, CostMetrics metrics)
    {
        _channel = Channel.CreateBounded<RequestCostRecorded>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _spool = spool;
        _metrics = metrics;
    }

    internal ChannelReader<RequestCostRecorded> Reader => _channel.Reader;

    public void Emit(RequestCostRecorded e)
    {
        _metrics.Charged(e);
        if (!_channel.Writer.TryWrite(e))
        {
            _spool.TryAppend([e]);
        }
    }

    /// <summary>No more events: the emitter drains what is queued, then stops.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
