using AspireRouter.AppHost.Infrastructure;

namespace AspireRouter.AppHost.Simulators;

/// <summary>Adds one instance of the provider simulator, serving one region on a fixed port, with its fault commands.</summary>
public static class ProviderSimulatorExtensions
{
    private static readonly string[] PassedThroughSettings = ["CrossRegionLatencyMin", "CrossRegionLatencyMax"];

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
