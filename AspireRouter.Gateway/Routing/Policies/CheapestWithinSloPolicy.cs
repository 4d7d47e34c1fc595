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
        LatencyBudget.SortBy(candidates, (category, latency), static (candidate, s) =>
            LatencyBudget.WithinBudget(candidate, s.category, s.latency)
                ? (0, LatencyBudget.BlendedPrice(candidate), TimeSpan.Zero)
                : (1, 0m, LatencyBudget.P99OrBudget(candidate, s.category, s.latency)));
}
