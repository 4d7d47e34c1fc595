using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing.Policies;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Routing;

/// <summary>
/// Plans one request's attempts: candidates from <see cref="CandidateSelector"/>, then ordered by the category's
/// policy against live latency. Cross-region candidates stay behind in-region ones whatever the policy says.
/// </summary>
public sealed class CandidatePlanner(
    RegistryProvider registryProvider,
    TokenEstimator tokens,
    RoutingPolicyRegistry policies,
    ILatencyView latency,
    IOptions<GatewayOptions> options)
{
    private readonly string _homeRegion = options.Value.Region;

    public CandidateList Plan(RouteTarget target, ChatRequest request)
    {
        var list = CandidateSelector.Select(registryProvider.Current, target, request, _homeRegion, tokens.For(request));
        if (target.Category is not { } category || list.Candidates.Count < 2)
        {
            return list;
        }

        var policy = policies.For(category);
        var preferred = list.Candidates[0].Region;
        var ordered = policy.Order([.. list.Candidates.Where(c => c.Region == preferred)], category, latency)
            .Concat(policy.Order([.. list.Candidates.Where(c => c.Region != preferred)], category, latency))
            .ToList();
        return list with { Candidates = ordered };
    }
}
