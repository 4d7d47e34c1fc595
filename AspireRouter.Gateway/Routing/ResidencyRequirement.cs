using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Routing;

/// <summary>
/// Data residency: a request bound to a region is only ever sent to that region's endpoints — first attempt,
/// retries, hedges and fallbacks alike — and fails closed (503 <see cref="UnavailableCode"/>) rather than leave it.
/// The requirement travels on <see cref="RouteTarget.Residency"/>; <see cref="CandidateSelector"/> filters the
/// candidates by it and the executor re-checks every attempt against it.
/// </summary>
/// <remarks>
/// The requirement comes from <see cref="Header"/> and from the client's API key: the gateway passes the key's
/// residency as <c>fromKey</c> to <see cref="TryResolve"/>, and a key's residency cannot be loosened by the header.
/// </remarks>
public static class ResidencyRequirement
{
    /// <summary>Request header naming the region the request's data must stay in; <see cref="None"/> or absent: no constraint.</summary>
    public const string Header = "X-AspireRouter-Residency";

    /// <summary>Header value that asks for no constraint.</summary>
    public const string None = "none";

    /// <summary>Error code of a header asking a key bound to a residency for another one (or for none).</summary>
    public const string NotAllowedCode = "residency_not_allowed";

    /// <summary>Error code of a resident request no endpoint of its region could serve.</summary>
    public const string UnavailableCode = "residency_unavailable";

    /// <summary>
    /// The region the request must stay in, or null for none. <paramref name="fromKey"/> (the API key's residency, when
    /// it has one) wins; a header naming another region, or <see cref="None"/>, is then a 403
    /// <see cref="NotAllowedCode"/> (the key may not do that). An unknown region in the header is a 400 with
    /// <c>param</c> = the header.
    /// </summary>
    public static bool TryResolve(ModelRegistry registry, string? headerValue, string? fromKey, out string? residency, out RequestError? error)
    {
        residency = null;
        error = null;
        var requested = headerValue?.Trim();
        string? fromHeader = null;
        if (!string.IsNullOrEmpty(requested) && !string.Equals(requested, None, StringComparison.OrdinalIgnoreCase))
        {
            fromHeader = registry.RegionNames.FirstOrDefault(r => string.Equals(r, requested, StringComparison.OrdinalIgnoreCase));
            if (fromHeader is null)
            {
                error = RequestError.Invalid(
                    $"Header {Header} must name a region ({string.Join(", ", registry.RegionNames)}) or '{None}' (got '{Truncate(requested)}').",
                    Header,
                    "invalid_residency");
                return false;
            }
        }

        if (fromKey is not null && !string.IsNullOrEmpty(requested) && !string.Equals(fromHeader, fromKey, StringComparison.OrdinalIgnoreCase))
        {
            error = new RequestError(StatusCodes.Status403Forbidden,
                $"This API key keeps every request in residency '{fromKey}'; header {Header} cannot ask for '{Truncate(requested)}'.",
                "invalid_request_error", Header, NotAllowedCode);
            return false;
        }

        residency = fromKey ?? fromHeader;
        return true;
    }

    /// <summary>Whether <paramref name="candidate"/> may be attempted for <paramref name="target"/>.</summary>
    public static bool Allows(RouteTarget target, Candidate candidate) =>
        target.Residency is not { } region || string.Equals(candidate.Region, region, StringComparison.OrdinalIgnoreCase);

    /// <summary>The 503 of a resident request whose region had no endpoint left to try; <paramref name="detail"/> says why.</summary>
    public static RequestError Unavailable(string region, string detail) =>
        new(StatusCodes.Status503ServiceUnavailable,
            $"This request must stay in region '{region}' (data residency) and no '{region}' endpoint can serve it now; it was not sent outside the region. {detail}",
            "api_error",
            null,
            UnavailableCode);

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
