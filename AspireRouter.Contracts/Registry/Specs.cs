using System.Collections.Frozen;
using System.Collections.Immutable;

namespace AspireRouter.Contracts.Registry;

/// <summary>A provider and its endpoint per region.</summary>
public sealed record ProviderSpec(string Id, string Family, FrozenDictionary<string, ProviderEndpoint> Regions);

/// <summary>An OpenAI-compatible base URL and the key for it.</summary>
public sealed record ProviderEndpoint(Uri BaseUrl, string? ApiKey)
{
    /// <summary>Never print the key.</summary>
    public override string ToString() => BaseUrl.ToString();
}

/// <summary>A model as the registry describes it.</summary>
public sealed record ModelSpec(
    string Id,
    string Provider,
    string ProviderModelId,
    int ContextWindow,
    int MaxOutputTokens,
    ImmutableArray<string> Regions,
    ModelCapabilities Capabilities,
    ModelPrice Price);

/// <summary>What a model accepts beyond plain text chat.</summary>
public sealed record ModelCapabilities(bool Vision, bool Tools, bool JsonMode, bool Reasoning);

/// <summary>USD per million tokens from <see cref="EffectiveFrom"/> on. Reasoning tokens are billed as output.</summary>
public sealed record ModelPrice(
    decimal InputPerMillion,
    decimal CachedInputPerMillion,
    decimal OutputPerMillion,
    DateOnly EffectiveFrom)
{
    /// <summary>USD for one request's usage; <paramref name="cachedInputTokens"/> is part of <paramref name="inputTokens"/>.</summary>
    public decimal Cost(long inputTokens, long cachedInputTokens, long outputTokens)
    {
        var cached = Math.Clamp(cachedInputTokens, 0, inputTokens);
        return ((inputTokens - cached) * InputPerMillion
                + cached * CachedInputPerMillion
                + outputTokens * OutputPerMillion) / 1_000_000m;
    }
}

/// <summary>A workload category: its chain (primary first) and service level.</summary>
public sealed record CategorySpec(
    string Name,
    ImmutableArray<string> Chain,
    TimeSpan LatencyBudget,
    int MaxRetries,
    TimeSpan Timeout,
    string Policy,
    string? PreferredRegion,
    bool FallbackToGlobal,
    HedgingSpec Hedging);

/// <summary>Hedging settings of a category; see <see cref="HedgingOptions"/>.</summary>
public sealed record HedgingSpec(bool Enabled, double MaxShare, TimeSpan? Delay);
