using System.Collections.Concurrent;
using System.Diagnostics;
using AspireRouter.Contracts.Latency;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// One attempt on one admitted candidate, with everything that goes with it: its timeout (the time left, and for a
/// stream at most the first-byte timeout), a trace span, metrics, a latency sample and the breaker outcome. Only the
/// provider's own failures count against it: a 429 cools the endpoint down instead, and a timeout caused by the
/// client's own shorter deadline counts for nothing.
/// </summary>
public sealed partial class AttemptRunner(
    ProviderClients clients,
    TimeProvider time,
    ICircuitBreakers breakers,
    LocalLatencyTracker latency,
    LatencySampleBatch shared,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<AttemptRunner> logger)
{
    /// <summary>How often a refused provider key is logged again for the same endpoint.</summary>
    private static readonly TimeSpan KeyRejectionLogInterval = TimeSpan.FromMinutes(10);

    /// <summary>The shortest timeout an attempt gets (one that starts at its deadline ends at once).</summary>
    private static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(1);

    private readonly GatewayOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Model, string Region, int Status), DateTimeOffset> _keyRejectionsLogged = new();

    /// <summary>
    /// Whether the attempt went to this gateway's home region. Only in-region timings go to the shared window, which
    /// describes each endpoint as seen from its own region (as the probe measures it); a cross-region attempt's time
    /// includes the distance, so it stays in this gateway's local tracker. Errors are the endpoint's and are shared.
    /// </summary>
    private bool IsInRegion(Candidate candidate) => string.Equals(candidate.Region, _options.Region, StringComparison.OrdinalIgnoreCase);

    /// <param name="candidate">Where the attempt goes.</param>
    /// <param name="admission">The breaker's admission, recorded with the attempt's outcome.</param>
    /// <param name="request">The parsed request.</param>
    /// <param name="requestId">Sent to the provider as <c>X-Request-Id</c>.</param>
    /// <param name="number">The attempt's number within the request (1-based), for the trace.</param>
    /// <param name="remaining">Time left before the request's deadline.</param>
    /// <param name="clientDeadline">
    /// The request's deadline is the client's own, shorter than the category's: a timeout against it is not the provider's failure.
    /// </param>
    /// <param name="clientAborted">Cancelled when the client goes away.</param>
    /// <param name="superseded">Cancelled when a hedged twin answered first.</param>
    public async Task<UpstreamAttempt> RunAsync(
        Candidate candidate,
        BreakerAdmission admission,
        ChatRequest request,
        string requestId,
        int number,
        TimeSpan remaining,
        bool clientDeadline,
        CancellationToken clientAborted,
        CancellationToken superseded = default)
    {
        var firstByteTimeout = request.Stream && _options.StreamFirstByteTimeout < remaining;
        // Never zero or negative: CancelAfter reads -1 ms as "never", and throws below it.
        var timeout = firstByteTimeout ? _options.StreamFirstByteTimeout : remaining > MinimumTimeout ? remaining : MinimumTimeout;
        var started = Stopwatch.GetTimestamp();
        // Not disposed here: the span goes with the attempt and ends when the request is recorded, with its usage and cost.
        var activity = GatewayTelemetry.StartAttempt(candidate, number);
        UpstreamAttempt attempt;
        breakers.AttemptStarted(candidate.Model.Id, candidate.Region);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted, superseded);
            cts.CancelAfter(timeout);
            using var invoker = clients.For(candidate.Endpoint.BaseUrl);
            attempt = await UpstreamAttempt.RunAsync(
                invoker,
                candidate,
                request.ForUpstream(candidate.Model.ProviderModelId),
                request.Stream,
                requestId,
                time,
                cts.Token,
                clientAborted);
        }
        catch
        {
            activity?.Dispose();
            throw;
        }
        finally
        {
            breakers.AttemptEnded(candidate.Model.Id, candidate.Region);
        }

        attempt.Span = activity;
        attempt.StartedAt = started;
        if (superseded.IsCancellationRequested && attempt.Outcome is AttemptOutcome.DeadlineExceeded)
        {
            attempt.MarkSuperseded();
        }

        var elapsed = attempt.Elapsed = Stopwatch.GetElapsedTime(started);
        AttemptSpan.End(activity, attempt, number);
        metrics.Attempt(candidate, AttemptOutcomes.Name(attempt.Outcome), elapsed, request.Stream);
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
            case AttemptOutcome.RateLimited:
                await breakers.RecordAsync(admission, BreakerOutcome.RateLimited, attempt.RetryAfter);
                break;
            case AttemptOutcome.DeadlineExceeded when clientDeadline && !firstByteTimeout:
                // The client's own short deadline cut the attempt: it says nothing about the provider.
                attempt.MarkClientDeadline();
                await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                break;
            case AttemptOutcome.Retryable or AttemptOutcome.DeadlineExceeded:
                latency.Record(candidate.Model.Id, candidate.Region, elapsed, success: false);
                shared.RecordError(candidate.Model.Id, candidate.Region);
                LogKeyRejectionOnce(candidate, attempt);
                await breakers.RecordAsync(admission, BreakerOutcome.Failure);
                break;
            default:
                await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                break;
        }

        return attempt;
    }

    private void LogKeyRejectionOnce(Candidate candidate, UpstreamAttempt attempt)
    {
        if (attempt.Status is not { } status || !RetryPolicy.IsProviderKeyRejected(status))
        {
            return;
        }

        var now = time.GetUtcNow();
        var key = (candidate.Model.Id, candidate.Region, (int)status);
        if (_keyRejectionsLogged.TryGetValue(key, out var last) && now - last < KeyRejectionLogInterval)
        {
            return;
        }

        _keyRejectionsLogged[key] = now;
        LogProviderKeyRejected(logger, candidate.Model.Provider, candidate.Model.Id, candidate.Region, (int)status);
    }

    [LoggerMessage(2010, LogLevel.Error, "Provider {Provider} refused the gateway's key for {Model}@{Region} (HTTP {Status}); the endpoint counts as failing until its key is fixed. Logged at most every 10 minutes per endpoint.")]
    private static partial void LogProviderKeyRejected(ILogger logger, string provider, string model, string region, int status);
}
