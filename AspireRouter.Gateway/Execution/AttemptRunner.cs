using AspireRouter.Contracts.Latency;
using System.Diagnostics;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// One attempt on one admitted candidate, with everything that goes with it: its timeout (the time left, and for a
/// stream at most the first-byte timeout), a trace span, metrics, a latency sample and the breaker outcome.
/// </summary>
public sealed class AttemptRunner(
    ProviderClients clients,
    TimeProvider time,
    ICircuitBreakers breakers,
    LocalLatencyTracker latency,
    LatencySampleBatch shared,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options)
{
    private readonly GatewayOptions _options = options.Value;

    /// <summary>
    /// Whether the attempt went to this gateway's home region. Only in-region timings go to the shared window, which
    /// describes each endpoint as seen from its own region (as the probe measures it); a cross-region attempt's time
    /// includes the distance, so it stays in this gateway's local tracker. Errors are the endpoint's and are shared.
    /// </summary>
    private bool IsInRegion(Candidate candidate) => string.Equals(candidate.Region, _options.Region, StringComparison.OrdinalIgnoreCase);

    public async Task<UpstreamAttempt> RunAsync(
        Candidate candidate,
        BreakerAdmission admission,
        ChatRequest request,
        string requestId,
        int number,
        TimeSpan remaining,
        CancellationToken clientAborted,
        CancellationToken superseded = default)
    {
        var timeout = request.Stream && _options.StreamFirstByteTimeout < remaining ? _options.StreamFirstByteTimeout : remaining;
        var started = Stopwatch.GetTimestamp();
        using var activity = GatewayTelemetry.StartAttempt(candidate, number);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, superseded);
        cts.CancelAfter(timeout);
        using var invoker = clients.For(candidate.Endpoint.BaseUrl);
        var attempt = await UpstreamAttempt.RunAsync(
            invoker,
            candidate,
            request.ForUpstream(candidate.Model.ProviderModelId),
            request.Stream,
            requestId,
            time,
            cts.Token,
            clientAborted);
        if (superseded.IsCancellationRequested && attempt.Outcome is AttemptOutcome.DeadlineExceeded)
        {
            attempt.MarkSuperseded();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        GatewayTelemetry.EndAttempt(activity, attempt);
        metrics.Attempt(candidate, attempt.Outcome, elapsed, request.Stream);
        switch (attempt.Outcome)
        {
            case AttemptOutcome.Success or AttemptOutcome.ClientError:
                latency.Record(candidate.Model.Id, candidate.Region, elapsed, success: true);
                if (IsInRegion(candidate))
                {
                    // A stream's attempt ends at its first byte (TTFT); a plain response's at its last (total).
                    shared.Record(candidate.Model.Id, candidate.Region, request.Stream ? LatencyMetric.Ttft : LatencyMetric.Total, elapsed);
                }

                await breakers.RecordAsync(admission, BreakerOutcome.Success);
                break;
            case AttemptOutcome.Retryable or AttemptOutcome.DeadlineExceeded:
                latency.Record(candidate.Model.Id, candidate.Region, elapsed, success: false);
                shared.RecordError(candidate.Model.Id, candidate.Region);
                await breakers.RecordAsync(admission, BreakerOutcome.Failure);
                break;
            default:
                await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                break;
        }

        return attempt;
    }
}
