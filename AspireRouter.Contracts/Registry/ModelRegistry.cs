using System.Collections.Frozen;
using System.Collections.Immutable;

namespace AspireRouter.Contracts.Registry;

/// <summary>An immutable, validated snapshot of the registry. Build it with <see cref="Create"/>.</summary>
public sealed class ModelRegistry
{
    private ModelRegistry(
        FrozenDictionary<string, ProviderSpec> providers,
        FrozenDictionary<string, ModelSpec> models,
        FrozenDictionary<string, CategorySpec> categories)
    {
        Providers = providers;
        Models = models;
        Categories = categories;
        RegionNames = [.. providers.Values.SelectMany(p => p.Regions.Keys)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)];
    }

    public FrozenDictionary<string, ProviderSpec> Providers { get; }
    public FrozenDictionary<string, ModelSpec> Models { get; }
    public FrozenDictionary<string, CategorySpec> Categories { get; }

    /// <summary>Every region some provider has an endpoint in, sorted.</summary>
    public ImmutableArray<string> RegionNames { get; }

    /// <summary>Validates <paramref name="options"/> and builds the snapshot.</summary>
    /// <exception cref="RegistryValidationException">The options are inconsistent; the message lists every problem.</exception>
    public static ModelRegistry Create(RegistryOptions options)
    {
        var errors = RegistryOptionsValidator.Validate(options);
        if (errors.Count > 0)
        {
            throw new RegistryValidationException(errors);
        }

        var providers = options.Providers.ToFrozenDictionary(
            p => p.Key,
            p => new ProviderSpec(
                p.Key,
                string.IsNullOrWhiteSpace(p.Value.Family) ? p.Key : p.Value.Family,
                p.Value.Regions.ToFrozenDictionary(
                    r => r.Key,
                    r => new ProviderEndpoint(r.Value.BaseUrl!, r.Value.ApiKey),
                    StringComparer.OrdinalIgnoreCase)),
            StringComparer.OrdinalIgnoreCase);

        var models = options.Models.ToFrozenDictionary(
            m => m.Key,
            m => new ModelSpec(
                m.Key,
                m.Value.Provider,
                string.IsNullOrWhiteSpace(m.Value.ProviderModelId) ? m.Key : m.Value.ProviderModelId,
                m.Value.ContextWindow,
                m.Value.MaxOutputTokens,
                [.. m.Value.Regions.Distinct(StringComparer.OrdinalIgnoreCase)],
                new ModelCapabilities(
                    m.Value.Capabilities.Vision,
                    m.Value.Capabilities.Tools,
                    m.Value.Capabilities.JsonMode,
                    m.Value.Capabilities.Reasoning),
                new ModelPrice(
                    m.Value.Price.InputPerMillion,
                    m.Value.Price.CachedInputPerMillion,
                    m.Value.Price.OutputPerMillion,
                    m.Value.Price.EffectiveFrom)),
            StringComparer.OrdinalIgnoreCase);

        var categories = options.Categories.ToFrozenDictionary(
            c => c.Key,
            c => new CategorySpec(
                c.Key,
                CategoryChain(c.Value),
                c.Value.LatencyBudget,
                c.Value.MaxRetries,
                c.Value.Timeout,
                c.Value.Policy,
                c.Value.PreferredRegion,
                c.Value.FallbackToGlobal,
                new HedgingSpec(c.Value.Hedging.Enabled, c.Value.Hedging.MaxShare, c.Value.Hedging.Delay)),
            StringComparer.OrdinalIgnoreCase);

        return new ModelRegistry(providers, models, categories);
    }

    /// <summary>Primary then fallbacks, empty entries dropped.</summary>
    internal static ImmutableArray<string> CategoryChain(CategoryOptions category) =>
        [category.Primary, .. category.Fallbacks.Where(f => !string.IsNullOrWhiteSpace(f))];

    public bool TryGetModel(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelSpec? model) =>
        Models.TryGetValue(id, out model);

    public bool TryGetCategory(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CategorySpec? category) =>
        Categories.TryGetValue(name, out category);

    /// <summary>The endpoint serving <paramref name="model"/> in <paramref name="region"/>, or null when it is not offered there.</summary>
    public ProviderEndpoint? Endpoint(ModelSpec model, string region) =>
        model.Regions.Contains(region, StringComparer.OrdinalIgnoreCase)
        && Providers.TryGetValue(model.Provider, out var provider)
        && provider.Regions.TryGetValue(region, out var endpoint)
            ? endpoint
            : null;
}

/// <summary>The registry's configuration is inconsistent.</summary>
public sealed class RegistryValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid model registry: " + string.Join("; ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
