using AspireRouter.Contracts.Registry;
using AspireRouter.ProviderSimulator.Apis;
using AspireRouter.ProviderSimulator.Completions;
using AspireRouter.ProviderSimulator.Configuration;
using AspireRouter.ProviderSimulator.Faults;
using AspireRouter.ProviderSimulator.Latency;
using AspireRouter.ProviderSimulator.Models;
using AspireRouter.ProviderSimulator.Requests;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Extensions;

public static class SimulatorServiceExtensions
{
    /// <summary>
    /// The registry (seed plus configuration overrides), the <c>Simulator</c> options validated at start-up, and the
    /// services behind the OpenAI and admin APIs.
    /// </summary>
    public static IHostApplicationBuilder AddSimulatorServices(this IHostApplicationBuilder builder)
    {
        builder.AddRegistry();
        var services = builder.Services;

        // The simulator serves the models of the registry it started with.
        services.AddSingleton(sp => sp.GetRequiredService<RegistryProvider>().Current);

        services.AddOptionsWithValidateOnStart<SimulatorOptions, SimulatorOptionsValidator>().BindConfiguration(SimulatorOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsCrossFieldValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SimulationClock>();
        services.AddSingleton<LatencySampler>();
        services.AddSingleton<ModelCatalog>();
        services.AddSingleton<FaultStore>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<PromptTokenCounter>();
        services.AddSingleton<CompletionPlanner>();
        services.AddSingleton<CompletionResponder>();
        services.AddSingleton<CompletionStreamer>();

        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, AdminJsonContext.Default));
        return builder;
    }
}
