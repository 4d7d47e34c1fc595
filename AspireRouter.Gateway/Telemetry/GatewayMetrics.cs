using System.Diagnostics;
using System.Diagnostics.Metrics;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Telemetry;

/// <summary>The gateway's meters: requests, attempts, fallbacks, retries and attempt latency.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "AspireRouter.Gateway";

    private readonly Counter<long> _requests;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _hedges;
    private readonly Counter<long> _panics;
    private readonly Counter<long> _throttled;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _timeToFirstByte;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("aspirerouter.requests", description: "Chat completion requests by category, model, region and outcome.");
        _attempts = meter.CreateCounter<long>("aspirerouter.attempts", description: "Upstream attempts by model, region and outcome.");
        _fallbacks = meter.CreateCounter<long>("aspirerouter.fallbacks", description: "Requests answered by a candidate other than the first.");
        _retries = meter.CreateCounter<long>("aspirerouter.retries", description: "Backed-off retries of a model already tried.");
        _hedges = meter.CreateCounter<long>("aspirerouter.hedges", description: "Hedged attempts started, by category and whether the hedge won.");
        _panics = meter.CreateCounter<long>("aspirerouter.panic.attempts", description: "Attempts made in panic mode (every candidate of the request was open, cooling down or busy), by category, model and region.");
        _throttled = meter.CreateCounter<long>("aspirerouter.retry_throttle.refused", description: "Extra attempts (fallbacks, retries, hedges, panic attempts) the adaptive retry throttle refused, by the request's category.");
        _attemptDuration = meter.CreateHistogram<double>("aspirerouter.attempt.duration", unit: "s", description: "Non-streaming upstream attempt latency, to the full body.");
        _timeToFirstByte = meter.CreateHistogram<double>("aspirerouter.attempt.time_to_first_byte", unit: "s", description: "Streaming upstream attempt latency, to the first byte (first token).");
    }

    public void Request(string category, Candidate? candidate, string outcome, bool fallback)
    {
        _requests.Add(1,
            new("category", category),
            new("model", candidate?.Model.Id ?? "none"),
            new("region", candidate?.Region ?? "none"),
            new("outcome", outcome));
        if (fallback && candidate is not null)
        {
            _fallbacks.Add(1, new("category", category), new("model", candidate.Model.Id));
        }
    }

    public void Attempt(Candidate candidate, string outcome, TimeSpan elapsed, bool stream)
    {
        var tags = new TagList { { "model", candidate.Model.Id }, { "region", candidate.Region }, { "outcome", outcome } };
        _attempts.Add(1, tags);
        (stream ? _timeToFirstByte : _attemptDuration).Record(elapsed.TotalSeconds, tags);
    }

    public void Panic(string category, Candidate candidate) =>
        _panics.Add(1, new("category", category), new("model", candidate.Model.Id), new("region", candidate.Region));

    public void Throttled(string category) => _throttled.Add(1, new KeyValuePair<string, object?>("category", category));

    public void Hedge(string category, bool won) =>
        _hedges.Add(1, new("category", category), new("won", won));

    public void Retry(string category, string model) =>
        _retries.Add(1, new("category", category), new("model", model));
}
