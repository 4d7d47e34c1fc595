namespace AspireRouter.Contracts.Registry;

/// <summary>The workload category names every service agrees on.</summary>
public static class WorkloadCategories
{
    public const string Light = "light";
    public const string General = "general";
    public const string Reasoning = "reasoning";
    public const string Multimodal = "multimodal";
    public const string RegionalCn = "regional-cn";

    /// <summary>Not a category of the registry: asks the gateway's pre-classifier to pick one.</summary>
    public const string Auto = "auto";
}

/// <summary>Regions a provider endpoint can be in.</summary>
public static class Regions
{
    public const string Global = "global";
    public const string Cn = "cn";

    public static readonly IReadOnlyList<string> All = [Global, Cn];

    public static bool IsKnown(string region) => region is Global or Cn;
}

/// <summary>Names of the candidate-ordering policies a category can choose.</summary>
public static class RoutingPolicies
{
    /// <summary>The chain as written.</summary>
    public const string Ordered = "ordered";

    /// <summary>Cheapest model whose p99 fits the category's latency budget first.</summary>
    public const string CheapestWithinSlo = "cheapest-within-slo";

    /// <summary>Lowest p99 first.</summary>
    public const string Fastest = "fastest";

    public static readonly IReadOnlyList<string> All = [Ordered, CheapestWithinSlo, Fastest];
}
