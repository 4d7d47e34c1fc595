using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Tokens;

namespace AspireRouter.Gateway.Routing;

/// <summary>The ordered attempts for one request, and why the other models of its chain were left out.</summary>
/// <param name="Candidates">Attempt order.</param>
/// <param name="Excluded">"model: reason" for each model left out.</param>
/// <param name="ContextShortfall">Set when no capable model's window fits the request: the tokens it needs and the largest window.</param>
public sealed record CandidateList(IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> Excluded, ContextShortfall? ContextShortfall = null)
{
    /// <summary>A capable model was left out only because it is not offered in the request's residency region.</summary>
    public bool ExcludedByResidency { get; init; }
}

/// <summary>The request needs about <paramref name="Needed"/> tokens; the largest window among capable models is <paramref name="LargestWindow"/>.</summary>
public sealed record ContextShortfall(int Needed, int LargestWindow, string LargestModel);

/// <summary>
/// Builds the candidate list: the category's chain (or the one model asked for), filtered by capability and context
/// window (a model too small is skipped, so a larger one later in the chain serves), and placed in regions. Endpoints
/// of the preferred region (the category's, else the gateway's home) come first — for a category without a preferred
/// region, a model the home region lacks takes its place in the chain from another region —, then, when the category
/// allows it (<c>FallbackToGlobal</c>, the seed's name, on by default), the same models' endpoints in the other
/// regions, in chain order: a region's outage is survived by requests that are not bound to it.
/// A category with <c>FallbackToGlobal</c> off, and a request with a residency requirement
/// (<see cref="RouteTarget.Residency"/>), get the preferred region's endpoints only.
/// </summary>
public static class CandidateSelector
{
    public static CandidateList Select(ModelRegistry registry, RouteTarget target, ChatRequest request, string homeRegion, PromptEstimate estimate)
    {
        var chain = target.Category?.Chain ?? [target.Model!.Id];
        var preferred = target.Residency ?? target.Category?.PreferredRegion ?? homeRegion;
        var pinned = target.Residency is not null || target.Category is { FallbackToGlobal: false };
        var substituteInline = target.Category is not { PreferredRegion: not null };

        var capable = new List<ModelSpec>(chain.Length);
        var excluded = new List<string>();
        ContextShortfall? shortfall = null;
        foreach (var id in chain)
        {
            var model = registry.Models[id];
            var missing = MissingCapability(model, request);
            if (missing is not null)
            {
                excluded.Add($"{model.Id}: {missing}");
            }
            else if (!estimate.Fits(model, registry.Providers[model.Provider].Family, out var needed))
            {
                excluded.Add($"{model.Id}: context window {model.ContextWindow} < ~{needed} tokens needed");
                if (shortfall is null || model.ContextWindow > shortfall.LargestWindow)
                {
                    shortfall = new ContextShortfall(needed, model.ContextWindow, model.Id);
                }
            }
            else
            {
                capable.Add(model);
            }
        }

        var candidates = new List<Candidate>(capable.Count * 2);
        var excludedByResidency = false;
        foreach (var model in capable)
        {
            if (registry.Endpoint(model, preferred) is { } endpoint)
            {
                candidates.Add(new Candidate(model, preferred, endpoint));
            }
            else if (pinned)
            {
                excludedByResidency |= target.Residency is not null;
                excluded.Add(target.Residency is not null
                    ? $"{model.Id}: not offered in '{preferred}' (residency)"
                    : $"{model.Id}: not offered in '{preferred}' (FallbackToGlobal off)");
            }
            else if (substituteInline && OtherRegion(registry, model, preferred) is { } other)
            {
                candidates.Add(other);
            }
            else if (OtherRegion(registry, model, preferred) is null)
            {
                excluded.Add($"{model.Id}: not offered in any region");
            }
        }

        if (!pinned)
        {
            // After the whole chain in the preferred region: the same models elsewhere.
            foreach (var model in capable)
            {
                if (OtherRegion(registry, model, preferred) is { } other && !candidates.Contains(other))
                {
                    candidates.Add(other);
                }
            }
        }

        // A shortfall is the request's own problem only when no capable model of any region fits it.
        return new CandidateList(candidates, excluded, capable.Count == 0 ? shortfall : null) { ExcludedByResidency = excludedByResidency };
    }

    /// <summary>Null when <paramref name="model"/> can serve <paramref name="request"/>; else what it lacks.</summary>
    public static string? MissingCapability(ModelSpec model, ChatRequest request) =>
        request.ImageParts > 0 && !model.Capabilities.Vision ? "no vision (the request has image parts)"
        : request.HasTools && !model.Capabilities.Tools ? "no tool calling (the request has tools)"
        : request.NeedsJsonMode && !model.Capabilities.JsonMode ? "no JSON mode (the request sets response_format)"
        : null;

    private static Candidate? OtherRegion(ModelRegistry registry, ModelSpec model, string preferred)
    {
        foreach (var region in Regions.All)
        {
            if (region != preferred && registry.Endpoint(model, region) is { } endpoint)
            {
                return new Candidate(model, region, endpoint);
            }
        }

        return null;
    }
}
