using AspireRouter.Gateway.Routing.Policies;

namespace AspireRouter.Gateway.Routing;

public static class RoutingServiceExtensions
{
    /// <summary>The plan stage: the routing policies by name and the candidate planner.</summary>
    public static IHostApplicationBuilder AddRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IRoutingPolicy, OrderedPolicy>();
        builder.Services.AddSingleton<IRoutingPolicy, CheapestWithinSloPolicy>();
        builder.Services.AddSingleton<IRoutingPolicy, FastestPolicy>();
        builder.Services.AddSingleton<RoutingPolicyRegistry>();
        builder.Services.AddSingleton<CandidatePlanner>();
        return builder;
    }
}
