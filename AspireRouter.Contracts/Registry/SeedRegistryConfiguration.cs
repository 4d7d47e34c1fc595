using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace AspireRouter.Contracts.Registry;

/// <summary>Adds the seed's registry (providers, models, prices, categories) as the lowest-priority configuration source.</summary>
public static class SeedRegistryConfiguration
{
    private const string ResourceName = "AspireRouter.Contracts.seed-registry.json";

    /// <summary>Inserts the seed registry before every other source, so any configured value overrides it.</summary>
    public static IConfigurationBuilder AddSeedRegistry(this IConfigurationBuilder configuration)
    {
        configuration.Sources.Insert(0, new SeedSource());
        return configuration;
    }

    /// <summary>The seed's registry itself, without any override: what the AppHost's map and tools list.</summary>
    public static ModelRegistry Seed => SeedRegistry.Value;

    private static readonly Lazy<ModelRegistry> SeedRegistry = new(() => ModelRegistry.Create(LoadSeedOptions()));

    /// <summary>The seed registry as options, without any override (tests, tools).</summary>
    public static RegistryOptions LoadSeedOptions()
    {
        var configuration = new ConfigurationBuilder().AddSeedRegistry().Build();
        var options = new RegistryOptions();
        configuration.GetSection(RegistryOptions.SectionName).Bind(options);
        return options;
    }

    private static Stream OpenSeed() =>
        typeof(SeedRegistryConfiguration).Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"Embedded resource '{ResourceName}' is missing.");

    /// <summary>A JSON stream source that reopens the embedded seed on every load, so configuration reloads work.</summary>
    private sealed class SeedSource : JsonStreamConfigurationSource
    {
        public override IConfigurationProvider Build(IConfigurationBuilder builder) => new SeedProvider(this);
    }

    private sealed class SeedProvider(JsonStreamConfigurationSource source) : JsonStreamConfigurationProvider(source)
    {
        public override void Load()
        {
            using var stream = OpenSeed();
            Load(stream);
        }
    }
}
