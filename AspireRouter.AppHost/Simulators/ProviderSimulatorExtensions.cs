using AspireRouter.AppHost.Infrastructure;

namespace AspireRouter.AppHost.Simulators;

/// <summary>Adds one instance of the provider simulator, serving one region on a fixed port, with its fault commands.</summary>
public static class ProviderSimulatorExtensions
{
    private static readonly string[] PassedThroughSettings = ["CrossRegionLatencyMin", "CrossRegionLatencyMax"];

    /// <summary>The key every simulator accepts and the gateways send to simulated providers.</summary>
    public const string DevelopmentApiKey = "sim-dev-key";

    /// <summary>
    /// The secret parameter <c>simulator-api-key</c>: <c>Parameters:simulator-api-key</c> when configured, else
    /// <see cref="DevelopmentApiKey"/> so the quick start needs no setup. Never published: deployments use real providers.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSimulatorApiKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "simulator-api-key";

        // AddParameter(name, value) would ignore configuration; a configured key must win over the default.
        var value = builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : DevelopmentApiKey;
        return builder.AddParameter(name, value, secret: true).ExcludeFromManifest();
    }

    public static IResourceBuilder<ProjectResource> AddProviderSimulator(
        this IDistributedApplicationBuilder builder, string name, string region, int port, IResourceBuilder<ParameterResource> apiKey)
    {
        var simulator = builder.AddProject<Projects.AspireRouter_ProviderSimulator>(name, launchProfileName: null)
            .WithLocalHttpEndpoint(port)
            .WithAppHostEnvironment()
            .WithEnvironment("Simulator__Region", region)
            .WithEnvironment("Simulator__ApiKey", apiKey)
            .WithAnnotation(new ProviderSimulatorAnnotation(region))
            .WithHttpHealthCheck("/health")
            .WithFaultCommands()
            // Deployments call the real providers; the simulators are for development and tests.
            .ExcludeFromManifest();

        // Simulators:CrossRegionLatencyMin/Max (TimeSpan, e.g. 00:00:00.200) override the simulator's defaults.
        foreach (var setting in PassedThroughSettings)
        {
            if (builder.Configuration[$"Simulators:{setting}"] is { Length: > 0 } value)
            {
                simulator.WithEnvironment($"Simulator__{setting}", value);
            }
        }

        return simulator;
    }
}

/// <summary>Marks a project resource as the provider simulator serving <paramref name="Region"/>.</summary>
public sealed record ProviderSimulatorAnnotation(string Region) : IResourceAnnotation;
