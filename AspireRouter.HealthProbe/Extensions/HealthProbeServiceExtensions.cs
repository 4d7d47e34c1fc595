using AspireRouter.Contracts.Hosting;
using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Registry;
using AspireRouter.HealthProbe.Health;
using AspireRouter.HealthProbe.Leadership;
using AspireRouter.HealthProbe.Probing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.HealthProbe.Extensions;

/// <summary>The probe's wiring: registry, options, the probe HTTP client without resilience, Redis, leader lease, worker, health check.</summary>
public static class HealthProbeServiceExtensions
{
    public static WebApplicationBuilder AddHealthProbeServices(this WebApplicationBuilder builder)
    {
        builder.AddRegistry();
        builder.Services.AddValidatedOptions<HealthProbeOptions, HealthProbeOptionsValidator, HealthProbeRulesValidator>(HealthProbeOptions.SectionName);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProbeState>();
        builder.Services.AddSingleton<ProbeMetrics>();
        builder.Services.AddSingleton<ModelProber>();

        // Retries or hedging would hide the failures and slow answers the probe exists to measure.
        builder.Services.AddHttpClient(ModelProber.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .WithoutResilienceDefaults();

        builder.AddRedisClient("redis");

        // The window must match the gateways' (the same Latency section): both name slices the same way.
        builder.AddLatencyWindow();

        // The connection is resolved lazily, by the worker, off start-up: connecting can block for its timeout.
        builder.Services.AddSingleton<Func<IDatabase>>(sp => () => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase());
        builder.Services.AddSingleton(sp => new LatencySummaryStore(
            sp.GetRequiredService<Func<IDatabase>>(), sp.GetRequiredService<LatencyWindow>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton(sp => new LeaderLease(
            sp.GetRequiredService<Func<IDatabase>>(),
            $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            sp.GetRequiredService<IOptions<HealthProbeOptions>>().Value.LeaseTime,
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<ProbeWorker>();

        builder.Services.AddHealthChecks().AddCheck<ProbeHealthCheck>("probe");
        return builder;
    }
}
