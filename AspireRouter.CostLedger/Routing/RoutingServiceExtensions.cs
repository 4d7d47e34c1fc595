using AspireRouter.Contracts.Latency;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Routing;

public static class RoutingServiceExtensions
{
    /// <summary>The routing-state reader: the shared latency window (the <c>Latency</c> section, as the gateways and probe have it) over the ledger's Redis.</summary>
    public static IHostApplicationBuilder AddRoutingState(this IHostApplicationBuilder builder)
    {
        builder.AddLatencyWindow();
        builder.Services.AddSingleton(sp => new LatencySummaryStore(
            () => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase(),
            sp.GetRequiredService<LatencyWindow>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<RoutingStateReader>();
        return builder;
    }
}
