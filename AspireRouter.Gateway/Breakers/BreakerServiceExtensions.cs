using AspireRouter.Contracts.Hosting;

namespace AspireRouter.Gateway.Breakers;

public static class BreakerServiceExtensions
{
    /// <summary>
    /// Breakers and rate-limit cool-downs per (model, region), shared through Redis and synced in the background (the
    /// connection is resolved by the first sync, off the request path: connecting can block for its timeout).
    /// </summary>
    public static IHostApplicationBuilder AddBreakers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<CircuitBreakerOptions, CircuitBreakerOptionsValidator, CircuitBreakerOptionsRulesValidator>(CircuitBreakerOptions.SectionName);
        builder.Services.AddSingleton<BreakerMetrics>();
        builder.Services.AddSingleton<CircuitBreakers>();
        builder.Services.AddSingleton<ICircuitBreakers>(sp => sp.GetRequiredService<CircuitBreakers>());
        builder.Services.AddHostedService<BreakerSyncService>();
        return builder;
    }
}
