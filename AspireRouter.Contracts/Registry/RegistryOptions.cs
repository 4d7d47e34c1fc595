namespace AspireRouter.Contracts.Registry;

/// <summary>
/// The configuration section <c>Registry</c>: providers, models and workload categories. The seed's values are the
/// lowest-priority configuration source (see <see cref="SeedRegistryConfiguration"/>); appsettings, environment
/// variables and the AppHost override them key by key.
/// </summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>Providers by id (<c>qwen</c>, <c>deepseek</c>, <c>kimi</c>, <c>glm</c>).</summary>
    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Models by the id clients and categories use.</summary>
    public Dictionary<string, ModelOptions> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Workload categories by name (<c>light</c>, <c>general</c>, …).</summary>
    public Dictionary<string, CategoryOptions> Categories { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One provider: its tokenizer family and its endpoint in each region.</summary>
public sealed class ProviderOptions
{
    /// <summary>Tokenizer family used for token estimates. Default: the provider id.</summary>
    public string? Family { get; set; }

    /// <summary>Endpoint per region (<c>global</c>, <c>cn</c>). A provider may serve one region only.</summary>
    public Dictionary<string, ProviderEndpointOptions> Regions { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An OpenAI-compatible base URL (ending in <c>/v1</c> or the provider's equivalent) and its key.</summary>
public sealed class ProviderEndpointOptions
{
    /// <summary>Absolute base URL; <c>http://providers-global/v1</c> resolves through service discovery.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Bearer key sent to the provider. Never logged or returned.</summary>
    public string? ApiKey { get; set; }
}

/// <summary>One model as a provider serves it.</summary>
public sealed class ModelOptions
{
    /// <summary>Provider id; must name an entry of <see cref="RegistryOptions.Providers"/>.</summary>
    public string Provider { get; set; } = "";

    /// <summary>The model name the provider expects. Default: the registry id.</summary>
    public string? ProviderModelId { get; set; }

    /// <summary>Context window in tokens (prompt + completion).</summary>
    public int ContextWindow { get; set; }

    /// <summary>Largest completion the model produces, in tokens.</summary>
    public int MaxOutputTokens { get; set; } = 4096;

    /// <summary>Regions the model is offered in.</summary>
    public List<string> Regions { get; set; } = [];

    public ModelCapabilityOptions Capabilities { get; set; } = new();

    public ModelPriceOptions Price { get; set; } = new();
}

/// <summary>What a model accepts beyond plain text chat.</summary>
public sealed class ModelCapabilityOptions
{
    /// <summary>Accepts image content parts. Default: false.</summary>
    public bool Vision { get; set; }

    /// <summary>Accepts <c>tools</c> / function calling. Default: false.</summary>
    public bool Tools { get; set; }

    /// <summary>Accepts <c>response_format</c> (JSON mode / schema). Default: false.</summary>
    public bool JsonMode { get; set; }

    /// <summary>Produces reasoning tokens (billed as output). Default: false.</summary>
    public bool Reasoning { get; set; }
}

/// <summary>USD per million tokens, and the day the price took effect.</summary>
public sealed class ModelPriceOptions
{
    public decimal InputPerMillion { get; set; }
    public decimal CachedInputPerMillion { get; set; }
    public decimal OutputPerMillion { get; set; }
    public DateOnly EffectiveFrom { get; set; } = new(2026, 1, 1);
}

/// <summary>A workload category: the chain of models that serve it and its service level.</summary>
public sealed class CategoryOptions
{
    /// <summary>The first model tried.</summary>
    public string Primary { get; set; } = "";

    /// <summary>Models tried after the primary, in order. Empty entries are ignored, so an override can shorten a chain.</summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>p99 latency the category must meet; models whose tail exceeds it are demoted.</summary>
    public TimeSpan LatencyBudget { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many times each candidate (a chain model in one region) may be retried after its first attempt, as the
    /// seed's SDK retries each model: pass after pass over the candidates, with backoff, within the deadline and the
    /// retry throttle. Default: 2.
    /// </summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>End-to-end deadline of one request, all attempts included. Default: 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Ordering policy: <c>ordered</c>, <c>cheapest-within-slo</c> or <c>fastest</c>. Default: ordered.</summary>
    public string Policy { get; set; } = RoutingPolicies.Ordered;

    /// <summary>Region whose endpoints this category prefers; null means the gateway's home region.</summary>
    public string? PreferredRegion { get; set; }

    /// <summary>
    /// Whether the category may leave its preferred region (its <see cref="PreferredRegion"/>, else the gateway's home):
    /// after every endpoint of the chain there, the same models are tried in the other regions. The seed's name
    /// (<c>regionalRouting.fallbackToGlobal</c>); a request with a residency requirement never leaves its region.
    /// Default: true.
    /// </summary>
    public bool FallbackToGlobal { get; set; } = true;

    /// <summary>Hedged requests (off by default).</summary>
    public HedgingOptions Hedging { get; set; } = new();
}

/// <summary>
/// Hedging: when the first attempt has not answered (the full response, or a stream's first byte) by its model's
/// p95, the next candidate is started too; the first to answer wins and the other is cancelled.
/// </summary>
public sealed class HedgingOptions
{
    /// <summary>Whether this category hedges. Default: false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Largest share of the category's requests that may start a hedge (a token bucket). Default: 0.1.</summary>
    public double MaxShare { get; set; } = 0.1;

    /// <summary>Fixed hedge delay; null uses the first model's live p95 (its latency budget until it has samples). Default: null.</summary>
    public TimeSpan? Delay { get; set; }
}
