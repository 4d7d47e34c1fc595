using AspireRouter.Contracts.Hosting;

namespace AspireRouter.Gateway.Auth;

public static class AuthServiceExtensions
{
    /// <summary>Virtual keys (a Redis-fed cache, refreshed in the background) and per-key rate limits.</summary>
    public static IHostApplicationBuilder AddApiKeys(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ApiKeyOptions, ApiKeyOptionsValidator>(ApiKeyOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<RateLimiter>();
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddHostedService<ApiKeyRefreshService>();
        return builder;
    }
}
