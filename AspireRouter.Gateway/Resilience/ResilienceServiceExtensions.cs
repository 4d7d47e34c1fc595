using AspireRouter.Contracts.Hosting;

namespace AspireRouter.Gateway.Resilience;

public static class ResilienceServiceExtensions
{
    /// <summary>The adaptive throttle of extra attempts (fallbacks, retries, hedges, panic attempts).</summary>
    public static IHostApplicationBuilder AddRetryThrottle(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RetryThrottleOptions, RetryThrottleOptionsValidator, RetryThrottleOptionsRulesValidator>(RetryThrottleOptions.SectionName);
        builder.Services.AddSingleton<RetryThrottle>();
        return builder;
    }
}
