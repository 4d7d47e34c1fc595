using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Latency;

namespace AspireRouter.Gateway.Routing.Policies;

/// <summary>
/// Cheapest model whose p99 fits the budget first; models over budget follow, fastest first. Ties keep chain order.
/// </summary>
public sealed class CheapestWithinSloPolicy : IRoutingPolicy
{
    public string Name => RoutingPolicies.CheapestWithinSlo;

    public IReadOnlyList<Candidate> Order(IReadOnlyList<Candidate> candidates, CategorySpec category, ILatencyView latency) =>
        [.. candidates
            .Select((candidate, index) => (candidate, index, within: LatencyBudget.WithinBudget(candidate, category, latency)))
            .OrderBy(x => x.within ? 0 : 1)
            .ThenBy(x => x.within ? LatencyBudget.BlendedPrice(x.candidate) : 0m)
            .ThenBy(x => x.within ? TimeSpan.Zero : LatencyBudget.P99OrBudget(x.candidate, category, latency))
            .ThenBy(x => x.index)
            .Select(x => x.candidate)];
}
