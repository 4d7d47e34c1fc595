using System.Collections.Frozen;
using AspireRouter.Contracts.Latency;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Latency;

/// <summary>
/// Every <see cref="LatencyOptions.RefreshInterval"/>, off the request path: refreshes the local snapshot, flushes the
/// samples this gateway gathered since the last tick to Redis, reads the shared window of every model and region
/// (one pipelined round trip) and publishes it to <see cref="SharedLatencyView"/>. When Redis fails, unflushed samples
/// are kept for the next tick and routing falls back to the local snapshot.
/// </summary>
public sealed partial class SharedLatencyService(
    LocalLatencyTracker local,
    LatencySampleBatch batch,
    LatencySummaryStore store,
    SharedLatencyView view,
    RegistryProvider registry,
    IOptions<LatencyOptions> options,
    TimeProvider time,
    ILogger<SharedLatencyService> logger) : BackgroundService
{
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RefreshInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            local.Refresh();
            await RefreshAsync();
        }
    }

    /// <summary>One flush and read; public for tests.</summary>
    public async Task RefreshAsync()
    {
        var pending = batch.Drain();
        try
        {
            if (pending.Count > 0)
            {
                await store.WriteAsync(pending);
            }

            var targets = registry.Current.Models.Values
                .SelectMany(model => model.Regions.Select(region => (model.Id, region)));
            var summaries = await store.ReadAsync(targets);
            view.Publish(new LatencySnapshot(LatencySource.Shared, time.GetUtcNow(), summaries.ToFrozenDictionary(
                s => s.Key,
                s => new ModelLatency(s.Key.Model, s.Key.Region,
                    s.Value.Stats(LatencyMetric.Total), s.Value.Stats(LatencyMetric.Ttft), s.Value.Stats(LatencyMetric.PerToken),
                    s.Value.Errors, s.Value.LastProbe))));
            if (_failing)
            {
                _failing = false;
                LogRecovered(logger);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            batch.Restore(pending);
            view.Publish(LocalSnapshot());
            if (!_failing)
            {
                _failing = true;
                LogFallback(logger, ex);
            }
        }
    }

    private LatencySnapshot LocalSnapshot() => new(LatencySource.Local, time.GetUtcNow(), local.All.ToFrozenDictionary(
        s => s.Key, s => new ModelLatency(s.Key.Model, s.Key.Region, s.Value, null, null, 0, null)));

    [LoggerMessage(1201, LogLevel.Warning, "Shared latency summaries cannot be read or written; routing on this gateway's own observations.")]
    private static partial void LogFallback(ILogger logger, Exception exception);

    [LoggerMessage(1202, LogLevel.Information, "Shared latency summaries are reachable again.")]
    private static partial void LogRecovered(ILogger logger);
}
