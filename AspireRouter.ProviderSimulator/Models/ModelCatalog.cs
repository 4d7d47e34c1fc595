using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AspireRouter.Contracts.Registry;
using AspireRouter.ProviderSimulator.Configuration;
using Microsoft.Extensions.Options;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Models;

/// <summary>
/// The registry's models offered in this instance's region, found by the name the provider expects
/// (<see cref="ModelSpec.ProviderModelId"/>) or by registry id, and the <c>/v1/models</c> body, serialized once.
/// </summary>
public sealed class ModelCatalog
{
    private readonly FrozenDictionary<string, ModelSpec> _byName;

    public ModelCatalog(ModelRegistry registry, IOptions<SimulatorOptions> options)
    {
        Region = options.Value.Region;
        Served =
        [
            .. registry.Models.Values
                .Where(m => m.Regions.Contains(Region, StringComparer.OrdinalIgnoreCase))
                .OrderBy(m => m.Id, StringComparer.Ordinal),
        ];

        // Provider model ids first, so they win over a registry id that happens to spell another model's wire name.
        var byName = new Dictionary<string, ModelSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Served)
        {
            byName.TryAdd(model.ProviderModelId, model);
        }

        foreach (var model in Served)
        {
            byName.TryAdd(model.Id, model);
        }

        _byName = byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

        var list = new ModelList(
            [.. Served.Select(m => new ModelEntry(m.ProviderModelId, CreatedAt(m), m.Provider))]);
        ModelListJson = JsonSerializer.SerializeToUtf8Bytes(list, OpenAiJson.Context.ModelList);
    }

    /// <summary>The region this instance plays.</summary>
    public string Region { get; }

    public IReadOnlyList<ModelSpec> Served { get; }

    /// <summary>The <c>GET /v1/models</c> answer, UTF-8 JSON.</summary>
    public byte[] ModelListJson { get; }

    public bool TryResolve(string name, [NotNullWhen(true)] out ModelSpec? model) => _byName.TryGetValue(name, out model);

    /// <summary>The day the model's price took effect stands in for its release date.</summary>
    private static long CreatedAt(ModelSpec model) =>
        new DateTimeOffset(model.Price.EffectiveFrom.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
}
