using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing.Policies;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;
using AspireRouter.Contracts.Registry;

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
        // The first candidate's region is the preferred one; its candidates are ordered first, the others' after them.
        var candidates = list.Candidates;
        var preferred = candidates[0].Region;
        var inRegion = new List<Candidate>(candidates.Count);
        var elsewhere = new List<Candidate>();
        foreach (var candidate in candidates)
        {
            (candidate.Region == preferred ? inRegion : elsewhere).Add(candidate);
        }

        if (elsewhere.Count == 0)
        {
            return list with { Candidates = policy.Order(candidates, category, latency) };
        }

        var ordered = new List<Candidate>(candidates.Count);
        ordered.AddRange(policy.Order(inRegion, category, latency));
        ordered.AddRange(policy.Order(elsewhere, category, latency));
        return list with { Candidates = ordered };
    }
}
