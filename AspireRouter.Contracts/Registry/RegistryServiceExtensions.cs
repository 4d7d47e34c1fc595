using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireRouter.Contracts.Registry;

/// <summary>The registry's wiring, the same in every service.</summary>
public static class RegistryServiceExtensions
{
    /// <summary>
    /// The seed's registry as the lowest-priority configuration, the <c>Registry</c> section bound and validated at
    /// start-up (every problem listed), and the <see cref="RegistryProvider"/> that keeps the last good snapshot.
    /// </summary>
    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddSeedRegistry();
        builder.Services.AddValidatedOptions<RegistryOptions, RegistryOptionsValidator>(RegistryOptions.SectionName);
        builder.Services.AddSingleton<RegistryProvider>();
        return builder;
    }
}
