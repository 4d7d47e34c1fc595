using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Costs;

public static class CostServiceExtensions
{
    /// <summary>The record stage: pricing, the recorder, and cost events (queue, Redis stream emitter, local spool).</summary>
    public static IHostApplicationBuilder AddCosts(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CostOptions, CostOptionsValidator, CostOptionsRulesValidator>(CostOptions.SectionName);
        builder.Services.AddSingleton<CostMetrics>();
        builder.Services.AddSingleton<CostAccountant>();
        builder.Services.AddSingleton<AttemptTelemetry>();
        builder.Services.AddSingleton<CostRecorder>();
        builder.Services.AddSingleton<CostLoss>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CostSpool>(sp, SpoolDirectory(
            sp.GetRequiredService<IOptions<CostOptions>>().Value, sp.GetRequiredService<IHostEnvironment>().ContentRootPath,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Region)));
        // The spooler is registered before the emitter, so it stops after it and writes what the emitter hands over last.
        builder.Services.AddSingleton<CostSpooler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CostSpooler>());
        builder.Services.AddSingleton<CostEmitter>();
        builder.Services.AddHostedService<CostEmitterService>();
        builder.Services.AddHealthChecks().AddCheck<CostEventsHealthCheck>("cost-events");
        return builder;
    }

    /// <summary>The spool of this process: <c>{SpoolDirectory}/{region}</c>, plus the machine name with <c>SpoolPerInstance</c>.</summary>
    internal static string SpoolDirectory(CostOptions options, string contentRoot, string region)
    {
        var directory = Path.Combine(Path.GetFullPath(options.SpoolDirectory, contentRoot), region);
        return options.SpoolPerInstance ? Path.Combine(directory, Environment.MachineName) : directory;
    }
}
