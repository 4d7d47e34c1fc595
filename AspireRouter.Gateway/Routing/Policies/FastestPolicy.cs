using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Latency;

namespace AspireRouter.Gateway.Routing.Policies;

/// <summary>Lowest live p99 first; a model without samples counts as exactly at budget. Ties keep chain order.</summary>
public sealed class FastestPolicy : IRoutingPolicy
{
    public string Name => RoutingPolicies.Fastest;

    public IReadOnlyList<Candidate> Order(IReadOnlyList<Candidate> candidates, CategorySpec category, ILatencyView latency) =>
        LatencyBudget.SortBy(candidates, (category, latency), static (candidate, s) => LatencyBudget.P99OrBudget(candidate, s.category, s.latency));
}
