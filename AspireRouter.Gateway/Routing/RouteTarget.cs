using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Routing;

/// <summary>What a request asked for once its <c>model</c> (or category header) is resolved.</summary>
/// <param name="Category">The category whose chain and service level apply; null for a concrete model id.</param>
/// <param name="Model">The concrete model asked for, when the request named one.</param>
/// <param name="Reason">Why this target was chosen (returned in a response header).</param>
public sealed record RouteTarget(CategorySpec? Category, ModelSpec? Model, string Reason)
{
    /// <summary>Name reported to clients and metrics: the category, or <c>direct</c> for a concrete model.</summary>
    public string CategoryName => Category?.Name ?? "direct";

    /// <summary>
    /// The region this request's data must stay in (see <see cref="ResidencyRequirement"/>), or null for none. Set by
    /// the API layer after resolution, from the header today and from the API key later; every candidate and attempt obeys it.
    /// </summary>
    public string? Residency { get; init; }
}

/// <summary>One attempt's destination: a model served from one region's endpoint.</summary>
public sealed record Candidate(ModelSpec Model, string Region, ProviderEndpoint Endpoint)
{
    /// <summary><c>{model}@{region}</c>: how logs, errors, metrics and the retry throttle name it.</summary>
    public string Key { get; } = $"{Model.Id}@{Region}";
}
