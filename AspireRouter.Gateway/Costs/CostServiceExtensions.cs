using AspireRouter.Contracts.Costs;
using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

public static class CostServiceExtensions
{
    /// <summary>The record stage: pricing, the recorder, and cost events (queue, Redis stream emitter, local spool, backpressure).</summary>
    public static IHostApplicationBuilder AddCosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CostOptions, CostOptionsValidator, CostOptionsRulesValidator>(CostOptions.SectionName);
        builder.Services.AddSingleton<CostMetrics>();
        builder.Services.AddSingleton<CostAccountant>();
        builder.Services.AddSingleton<AttemptTelemetry>();
        builder.Services.AddSingleton<CostRecorder>();
        builder.Services.AddSingleton<CostLoss>();
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
    /// The spool of the region: <c>{SpoolDirectory}/{region}</c>; with <c>SpoolPerInstance</c> each process takes a slot
    /// under it (<see cref="SpoolDirectoryClaim"/>).
    /// </summary>
    internal static string SpoolDirectory(CostOptions options, string contentRoot, string region) =>
        Path.Combine(Path.GetFullPath(options.SpoolDirectory, contentRoot), region);
}
