using AspireRouter.Contracts.Hosting;
using AspireRouter.Contracts.Latency;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Latency;

public static class LatencyServiceExtensions
{
    /// <summary>
    /// Live latency: this gateway's samples are batched in memory and flushed to the shared Redis summaries in the
    /// background, which are read back into the snapshot routing uses; the local tracker is the fallback without Redis.
    /// </summary>
    public static IHostApplicationBuilder AddLatency(this IHostApplicationBuilder builder)
    {
        builder.AddLatencyWindow();
        builder.Services.AddValidatedOptions<LatencyOptions, LatencyOptionsValidator, LatencyRefreshValidator>(LatencyOptions.SectionName);
        builder.Services.AddSingleton<LocalLatencyTracker>();
        builder.Services.AddSingleton<LatencySampleBatch>();
        builder.Services.AddSingleton(sp => new LatencySummaryStore(
            () => sp.GetRequiredService<Func<IConnectionMultiplexer>>()().GetDatabase(),
            sp.GetRequiredService<LatencyWindow>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SharedLatencyView>();
        builder.Services.AddSingleton<ILatencyView>(sp => sp.GetRequiredService<SharedLatencyView>());
        builder.Services.AddSingleton<LatencyGauges>();
        builder.Services.AddHostedService<SharedLatencyService>();
        return builder;
    }
}
