using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Execution;

/// <summary>The error of a request no candidate served, chosen from what its run went through.</summary>
internal static class ExhaustedError
{
    /// <summary>Error code of a request whose further attempts the retry throttle refused.</summary>
    public const string ThrottledCode = "retries_throttled";

    /// <summary>Error code of a request every attempt of which the providers answered with 429.</summary>
    public const string RateLimitedCode = "upstream_rate_limited";

    public static RequestError For(RequestRun run)
    {
        var list = run.List;
        var detail = string.Join("; ", run.Failures.Concat(run.Skipped.Values).Concat(list.Excluded));
        var tried = $"{run.Attempts} attempt(s): {detail}.";
        if (list.ContextShortfall is { } shortfall)
        {
            return RequestError.Invalid($"This request needs about {shortfall.Needed} tokens (prompt, max_tokens and reserve), but the largest context window available is {shortfall.LargestWindow} ({shortfall.LargestModel}). Shorten the prompt or lower max_tokens. Skipped: {detail}.", "messages", "context_length_exceeded");
        }

        if (run.Target.Residency is { } residency && (list.Candidates.Count > 0 || list.ExcludedByResidency))
        {
            return ResidencyRequirement.Unavailable(residency, run.DeadlineHit
                ? $"The request's deadline of {run.Timeout.TotalSeconds:0.###} s passed after {tried}"
                : tried);
        }

        if (list.Candidates.Count == 0)
        {
            return RequestError.Invalid($"No model of this category can serve the request: {detail}.", "model", "no_eligible_model");
        }

        if (run.DeadlineHit)
        {
            return new RequestError(StatusCodes.Status504GatewayTimeout, $"The request's deadline of {run.Timeout.TotalSeconds:0.###} s passed after {tried}", "api_error", null, "deadline_exceeded");
        }

        if (run.Attempts == 0)
        {
            return new RequestError(StatusCodes.Status503ServiceUnavailable, $"No candidate can be tried now: {detail}.", "api_error", null, "upstream_unavailable");
        }

        if (run.RateLimits > 0 && run.ProviderFailures == 0)
        {
            return new RequestError(StatusCodes.Status429TooManyRequests,
                $"Every provider asked tried is rate limiting; retry after the time in Retry-After. {tried}", "requests", null, RateLimitedCode);
        }

        if (run.Throttled)
        {
            return new RequestError(StatusCodes.Status503ServiceUnavailable,
                $"The providers are failing: further attempts were withheld by the retry throttle, since most recent attempts on the candidates left had failed. {tried}",
                "api_error", null, ThrottledCode);
        }

        return new RequestError(StatusCodes.Status503ServiceUnavailable, $"Every candidate failed after {tried}", "api_error", null, "upstream_unavailable");
    }
}
