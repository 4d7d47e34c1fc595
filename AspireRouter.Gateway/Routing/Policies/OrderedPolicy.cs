using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Latency;

namespace AspireRouter.Gateway.Routing.Policies;

/// <summary>The chain as written, with models over the latency budget moved behind the others (stable order).</summary>
public sealed class OrderedPolicy : IRoutingPolicy
{
    public string Name => RoutingPolicies.Ordered;

    public IReadOnlyList<Candidate> Order(IReadOnlyList<Candidate> candidates, CategorySpec category, ILatencyView latency) =>
        LatencyBudget.SortBy(candidates, (category, latency), static (candidate, s) => LatencyBudget.WithinBudget(candidate, s.category, s.latency) ? 0 : 1);
}
