using System.Collections.Frozen;
using AspireRouter.AppHost.Simulators;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.AppHost.Providers;

/// <summary>
/// Where the gateways reach each provider in each region. By default the simulator of that region; a provider switches
/// to its real endpoint when <c>Providers:{id}:{region}:BaseUrl</c> or the secret parameter <c>{id}-{region}-api-key</c>
/// is configured, and always when publishing (so <c>azd</c> asks for every key).
/// </summary>
public sealed class ProviderEndpoints
{
    /// <summary>The providers' public OpenAI-compatible endpoints, used when no base URL is configured.</summary>
    public static readonly FrozenDictionary<(string Provider, string Region), string> DefaultBaseUrls =
        new Dictionary<(string, string), string>
        {
            [("deepseek", Regions.Global)] = "https://api.deepseek.com/v1",
            [("deepseek", Regions.Cn)] = "https://api.deepseek.com/v1",
            [("qwen", Regions.Global)] = "https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
            [("qwen", Regions.Cn)] = "https://dashscope.aliyuncs.com/compatible-mode/v1",
            [("kimi", Regions.Global)] = "https://api.moonshot.ai/v1",
            [("kimi", Regions.Cn)] = "https://api.moonshot.cn/v1",
            [("glm", Regions.Global)] = "https://api.z.ai/api/paas/v4",
            [("glm", Regions.Cn)] = "https://open.bigmodel.cn/api/paas/v4",
        }.ToFrozenDictionary();

    private readonly FrozenDictionary<(string Provider, string Region), RealEndpoint> _real;
    private readonly IReadOnlyList<IResourceBuilder<ProjectResource>> _simulators;
    private readonly IResourceBuilder<ParameterResource> _simulatorApiKey;

    private ProviderEndpoints(
        IReadOnlyList<string> providers,
        FrozenDictionary<(string, string), RealEndpoint> real,
        IReadOnlyList<IResourceBuilder<ProjectResource>> simulators,
        IResourceBuilder<ParameterResource> simulatorApiKey)
    {
        Providers = providers;
        _real = real;
        _simulators = simulators;
        _simulatorApiKey = simulatorApiKey;
    }

    /// <summary>The registry's provider ids.</summary>
    public IReadOnlyList<string> Providers { get; }

    /// <summary>Decides real or simulated for every provider and region, adding a key parameter for each real one.</summary>
    public static ProviderEndpoints Create(
        IDistributedApplicationBuilder builder,
        IResourceBuilder<ParameterResource> simulatorApiKey,
        params IResourceBuilder<ProjectResource>[] simulators)
    {
        var providers = SeedRegistryConfiguration.LoadSeedOptions().Providers.Keys.Order(StringComparer.Ordinal).ToArray();
        var real = new Dictionary<(string, string), RealEndpoint>();

        foreach (var provider in providers)
        {
            foreach (var region in Regions.All)
            {
                var keyName = $"{provider}-{region}-api-key";
                var baseUrl = builder.Configuration[$"Providers:{provider}:{region}:BaseUrl"];
                var configured = !string.IsNullOrWhiteSpace(baseUrl)
                    || !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{keyName}"]);

                if (builder.ExecutionContext.IsPublishMode || configured)
                {
                    baseUrl = string.IsNullOrWhiteSpace(baseUrl) ? DefaultBaseUrls.GetValueOrDefault((provider, region)) : baseUrl;
                    if (baseUrl is null)
                    {
                        throw new DistributedApplicationException(
                            $"Provider '{provider}' has no known endpoint in region '{region}': set Providers:{provider}:{region}:BaseUrl.");
                    }

                    real[(provider, region)] = new RealEndpoint(baseUrl, builder.AddParameter(keyName, secret: true)
                        .WithDescription($"API key of {provider} in region {region} ({baseUrl})."));
                }
            }
        }

        return new ProviderEndpoints(providers, real.ToFrozenDictionary(), simulators, simulatorApiKey);
    }

    /// <summary>
    /// Gives a gateway serving <paramref name="gatewayRegion"/> every provider's endpoint in every region
    /// (<c>Registry__Providers__{id}__Regions__{region}__BaseUrl</c> and <c>__ApiKey</c>), and references and waits for the
    /// simulators when running.
    /// </summary>
    /// <param name="gateway">The service.</param>
    /// <param name="gatewayRegion">Where the service runs; null for the health probe, which reaches every simulator in-region.</param>
    public IResourceBuilder<ProjectResource> ConfigureGateway(IResourceBuilder<ProjectResource> gateway, string? gatewayRegion)
    {
        if (gateway.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            foreach (var simulator in _simulators)
            {
                gateway.WithReference(simulator).WaitFor(simulator);
            }
        }

        foreach (var provider in Providers)
        {
            foreach (var region in Regions.All)
            {
                var prefix = $"Registry__Providers__{provider}__Regions__{region}__";
                if (_real.TryGetValue((provider, region), out var real))
                {
                    gateway.WithEnvironment(prefix + "BaseUrl", real.BaseUrl).WithEnvironment(prefix + "ApiKey", real.ApiKey);
                }
                else
                {
                    gateway.WithEnvironment(prefix + "BaseUrl", SimulatorBaseUrl(region, gatewayRegion ?? region))
                        .WithEnvironment(prefix + "ApiKey", _simulatorApiKey);
                }
            }
        }

        return gateway;
    }

    /// <summary>
    /// The simulator serving <paramref name="region"/>, by service-discovery name; a caller from another region goes through
    /// its cross-region routes, which add the latency of the distance.
    /// </summary>
    private string SimulatorBaseUrl(string region, string callerRegion)
    {
        var simulator = _simulators.SingleOrDefault(s =>
                s.Resource.TryGetLastAnnotation<ProviderSimulatorAnnotation>(out var annotation) && annotation.Region == region)
            ?? throw new DistributedApplicationException($"No provider simulator serves region '{region}'.");

        return region == callerRegion
            ? $"http://{simulator.Resource.Name}/v1"
            : $"http://{simulator.Resource.Name}/cross-region/v1";
    }

    private sealed record RealEndpoint(string BaseUrl, IResourceBuilder<ParameterResource> ApiKey);
}

/// <summary>Applies <see cref="ProviderEndpoints"/> to a gateway.</summary>
public static class ProviderEndpointsExtensions
{
    /// <inheritdoc cref="ProviderEndpoints.ConfigureGateway"/>
    public static IResourceBuilder<ProjectResource> WithProviderEndpoints(
        this IResourceBuilder<ProjectResource> gateway, ProviderEndpoints providers, string gatewayRegion) =>
        providers.ConfigureGateway(gateway, gatewayRegion);

    /// <summary>
    /// Gives the health probe every provider's endpoint in every region, each simulator reached in-region: the probe
    /// measures the provider endpoint itself, not the distance from where the probe happens to run.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithInRegionProviderEndpoints(
        this IResourceBuilder<ProjectResource> probe, ProviderEndpoints providers) =>
        providers.ConfigureGateway(probe, gatewayRegion: null);
}
