using System.Collections.Frozen;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Routing.Policies;

/// <summary>Policies by name, resolved once. The registry validator rejects unknown names at start-up and reload.</summary>
public sealed class RoutingPolicyRegistry(IEnumerable<IRoutingPolicy> policies)
{
    private readonly FrozenDictionary<string, IRoutingPolicy> _byName =
        policies.ToFrozenDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);

    public IRoutingPolicy For(CategorySpec category) =>
        _byName.TryGetValue(category.Policy, out var policy)
            ? policy
            : throw new InvalidOperationException($"Routing policy '{category.Policy}' is not registered (known: {string.Join(", ", RoutingPolicies.All)}).");
}
