using AspireRouter.Contracts.Costs;
using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Costs;

public static class CostServiceExtensions
{
    /// <summary>
    /// The service key of the cost stream's own Redis connection (a <see cref="Func{IConnectionMultiplexer}"/>, like the
    /// shared one), used by <see cref="CostEmitterService"/> and <see cref="CostBackpressure"/>.
    /// </summary>
    public const string StreamConnection = "cost-stream";

    /// <summary>The record stage: pricing, the recorder, and cost events (queue, Redis stream emitter, local spool, backpressure).</summary>
    public static IHostApplicationBuilder AddCosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CostOptions, CostOptionsValidator, CostOptionsRulesValidator>(CostOptions.SectionName);
        builder.Services.AddSingleton<CostMetrics>();
        builder.Services.AddSingleton<CostAccountant>();
        builder.Services.AddSingleton<AttemptTelemetry>();
        builder.Services.AddSingleton<CostRecorder>();
        builder.Services.AddSingleton<CostLoss>();
        AddStreamConnection(builder);
        // Taken when the spooler starts (with the host): an unwritable spool directory stops the gateway at start-up.
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<CostOptions>>().Value;
            return SpoolDirectoryClaim.Take(SpoolDirectory(options, sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
                sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Region), options.SpoolPerInstance);
        });
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CostSpool>(sp, sp.GetRequiredService<SpoolDirectoryClaim>().Directory));
        // The spooler is registered before the emitter, so it stops after it and writes what the emitter hands over last.
        builder.Services.AddSingleton<CostSpooler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CostSpooler>());
        builder.Services.AddCostBacklogPolicy();
        builder.Services.AddSingleton<CostBackpressure>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CostBackpressure>());
        builder.Services.AddSingleton<CostEmitter>();
        builder.Services.AddHostedService<CostEmitterService>();
        builder.Services.AddHealthChecks().AddCheck<CostEventsHealthCheck>("cost-events");
        return builder;
    }

    /// <summary>
    /// Cost events go to the stream over a connection of their own, the same server as the shared one, with tracing off.
    /// They are background batches without a parent span, never exported (<c>KeepingSampler</c>), but the Redis
    /// instrumentation profiles every command of a traced connection and keeps it, with its arguments (every event's
    /// JSON), until its next flush, 10 s later: at 10k req/s that promoted ~7 MB/s of dead events to gen2 and lifted the
    /// gateway's peak RSS from ~175 to ~355 MB (bench/README "Memory: the Redis profiler held every cost event").
    /// A connection of their own also keeps the batches' large script calls off the socket the request path's
    /// commands share. No health check of its own: the shared connection's Redis check covers the same server.
    /// </summary>
    /// <remarks>
    /// Not an Aspire keyed client: Aspire adds every connection it creates to the Redis instrumentation once any client
    /// has tracing on, whatever this one's <c>DisableTracing</c> says. The options are the shared client's (its
    /// connection string and <c>Aspire:StackExchange:Redis</c> settings), copied.
    /// </remarks>
    private static void AddStreamConnection(IHostApplicationBuilder builder)
    {
        builder.Services.AddKeyedSingleton<IConnectionMultiplexer>(StreamConnection, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<ConfigurationOptions>>().Value.Clone();
            options.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddKeyedSingleton<Func<IConnectionMultiplexer>>(StreamConnection,
            (sp, key) => () => sp.GetRequiredKeyedService<IConnectionMultiplexer>(key));
    }

    /// <summary>
    /// The spool of the region: <c>{SpoolDirectory}/{region}</c>; with <c>SpoolPerInstance</c> each process takes a slot
    /// under it (<see cref="SpoolDirectoryClaim"/>).
    /// </summary>
    internal static string SpoolDirectory(CostOptions options, string contentRoot, string region) =>
        Path.Combine(Path.GetFullPath(options.SpoolDirectory, contentRoot), region);
}
