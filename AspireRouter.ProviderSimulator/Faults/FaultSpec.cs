using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Faults;

/// <summary>
/// A fault injected into one model's answers (the body of <c>PUT /admin/faults/{model}</c>). Omitted fields keep their
/// defaults, so <c>{"latencyMultiplier":3}</c> only slows the model down.
/// </summary>
/// <param name="ErrorRate">Share of requests, 0 to 1, answered with <paramref name="Status"/> instead of a completion. Default: 0.</param>
/// <param name="Status">Status of the injected errors: 401, 402 or 403 (the provider refusing the caller's key), 429, 500, 502, 503 or 504. Default: 503.</param>
/// <param name="RetryAfter">A TimeSpan string or a number of seconds; sent as a whole-second <c>Retry-After</c> header on injected 429s (not scaled by the time scale). Default: none.</param>
/// <param name="LatencyMultiplier">Multiplies this model's delays (0 to 1000, on top of the time scale). Default: 1.</param>
/// <param name="Hang">Never answers: the request waits until the client disconnects. Default: false.</param>
/// <param name="FailMidStream">Streams abort the connection right after the first content chunk. Default: false.</param>
public sealed record FaultSpec(
    double ErrorRate = 0,
    int Status = 503,
    [property: JsonConverter(typeof(SecondsOrTimeSpanConverter))] TimeSpan? RetryAfter = null,
    double LatencyMultiplier = 1.0,
    bool Hang = false,
    bool FailMidStream = false)
{
    /// <summary>Status codes a fault can answer with.</summary>
    public static readonly IReadOnlyList<int> AllowedStatuses = [401, 402, 403, 429, 500, 502, 503, 504];

    /// <summary>Every problem with the values, keyed by field; empty when the spec is valid.</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (!(ErrorRate is >= 0 and <= 1))
        {
            errors["errorRate"] = [$"errorRate must be between 0 and 1 (got {ErrorRate})."];
        }

        if (!AllowedStatuses.Contains(Status))
        {
            errors["status"] = [$"status must be one of {string.Join(", ", AllowedStatuses)} (got {Status})."];
        }

        if (RetryAfter is { } retryAfter && (retryAfter < TimeSpan.Zero || retryAfter > TimeSpan.FromHours(1)))
        {
            errors["retryAfter"] = [$"retryAfter must be between 00:00:00 and 01:00:00 (got {retryAfter})."];
        }

        if (!(LatencyMultiplier is >= 0 and <= 1000))
        {
            errors["latencyMultiplier"] = [$"latencyMultiplier must be between 0 and 1000 (got {LatencyMultiplier})."];
        }

        return errors;
    }
}
