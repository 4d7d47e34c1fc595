using System.Diagnostics;
using System.Diagnostics.Metrics;
using AspireRouter.Gateway.Execution;
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
    private readonly Histogram<double> _attemptDuration;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _requests = meter.CreateCounter<long>("aspirerouter.requests", description: "Chat completion requests by category, model, region and outcome.");
        _attempts = meter.CreateCounter<long>("aspirerouter.attempts", description: "Upstream attempts by model, region and outcome.");
        _fallbacks = meter.CreateCounter<long>("aspirerouter.fallbacks", description: "Requests answered by a candidate other than the first.");
        _retries = meter.CreateCounter<long>("aspirerouter.retries", description: "Backed-off retries of a model already tried.");
        _attemptDuration = meter.CreateHistogram<double>("aspirerouter.attempt.duration", unit: "s", description: "Upstream attempt latency (to the full body, or to a stream's first byte).");
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

    public void Attempt(Candidate candidate, AttemptOutcome outcome, TimeSpan elapsed)
    {
        var outcomeName = outcome switch
        {
            AttemptOutcome.Success => "success",
            AttemptOutcome.ClientError => "client_error",
            AttemptOutcome.Retryable => "retryable_error",
            AttemptOutcome.DeadlineExceeded => "timeout",
            _ => "client_aborted",
        };
        var tags = new TagList { { "model", candidate.Model.Id }, { "region", candidate.Region }, { "outcome", outcomeName } };
        _attempts.Add(1, tags);
        _attemptDuration.Record(elapsed.TotalSeconds, tags);
    }

    public void Retry(string category, string model) =>
        _retries.Add(1, new("category", category), new("model", model));
}
