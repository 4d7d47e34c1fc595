using System.Diagnostics;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Runs a request along its candidates under one deadline: the next candidate at once on a retryable failure, the
/// same model again only after the chain is exhausted, with exponential backoff, full jitter and Retry-After.
/// Candidates whose breaker is open are skipped (and named in the final error); every attempt's outcome is recorded.
/// </summary>
public sealed partial class ChatExecutor(
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    ICircuitBreakers breakers,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<ChatExecutor> logger)
{
    /// <summary>Name of the HttpClient used for provider calls (no resilience defaults).</summary>
    public const string ProviderClientName = "providers";

    /// <summary>Attempts for a concrete model id, which has no category to say otherwise.</summary>
    private const int DirectModelMaxRetries = 2;

    private readonly GatewayOptions _options = options.Value;

    public async Task ExecuteAsync(HttpContext context, ChatRequest request, RouteTarget target, CandidateList list, string requestId)
    {
        var response = context.Response;
        var clientAborted = context.RequestAborted;
        var timeout = target.Category?.Timeout ?? TimeSpan.FromSeconds(60);
        var deadline = time.GetUtcNow() + timeout;
        var maxAttempts = 1 + (target.Category?.MaxRetries ?? DirectModelMaxRetries);
        var client = httpClientFactory.CreateClient(ProviderClientName);
        var failures = new List<string>(maxAttempts);
        var skipped = new Dictionary<Candidate, string>();
        var retryAfter = new Dictionary<Candidate, TimeSpan?>();
        var attempts = 0;
        var deadlineHit = false;

        response.Headers[RoutingHeaders.Category] = target.CategoryName;
        response.Headers[RoutingHeaders.Reason] = target.Reason;

        for (var pass = 0; attempts < maxAttempts && !deadlineHit && list.Candidates.Count > 0; pass++)
        {
            var attemptsBeforePass = attempts;
            foreach (var candidate in list.Candidates)
            {
                if (attempts >= maxAttempts)
                {
                    break;
                }

                var admission = await breakers.AdmitAsync(candidate.Model.Id, candidate.Region);
                if (!admission.Allowed)
                {
                    skipped[candidate] = $"{candidate.Model.Id}@{candidate.Region}: {admission.Reason}";
                    continue;
                }

                skipped.Remove(candidate);

                var remaining = deadline - time.GetUtcNow();
                if (pass > 0)
                {
                    var delay = Backoff.Delay(pass, _options.RetryBaseDelay, _options.RetryMaxDelay, retryAfter.GetValueOrDefault(candidate), Random.Shared.NextDouble());
                    if (delay < remaining)
                    {
                        metrics.Retry(target.CategoryName, candidate.Model.Id);
                        // A trial permit held here when the client leaves is freed by its lease.
                        await Task.Delay(delay, time, clientAborted);
                        remaining = deadline - time.GetUtcNow();
                    }
                    else
                    {
                        remaining = TimeSpan.Zero;
                    }
                }

                if (remaining <= TimeSpan.Zero)
                {
                    await breakers.RecordAsync(admission, BreakerOutcome.Abandoned);
                    deadlineHit = true;
                    break;
                }

                attempts++;
                var started = Stopwatch.GetTimestamp();
                using var activity = GatewayTelemetry.StartAttempt(candidate, attempts);
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
                attemptCts.CancelAfter(remaining);
                await using var attempt = await UpstreamAttempt.RunAsync(
                    client, candidate, request.WithModel(candidate.Model.ProviderModelId), request.Stream, requestId, time, attemptCts.Token, clientAborted);
                var elapsed = Stopwatch.GetElapsedTime(started);
                GatewayTelemetry.EndAttempt(activity, attempt);
                metrics.Attempt(candidate, attempt.Outcome, elapsed);
                await breakers.RecordAsync(admission, BreakerOutcomeOf(attempt.Outcome));

                var fallback = failures.Count > 0 || skipped.Count > 0;
                switch (attempt.Outcome)
                {
                    case AttemptOutcome.Success or AttemptOutcome.ClientError:
                        WriteRoutingHeaders(response, candidate, attempts, fallback);
                        metrics.Request(target.CategoryName, candidate, attempt.Outcome == AttemptOutcome.Success ? "success" : "client_error", fallback);
                        await ResponseRelay.RelayAsync(context, attempt, _options.StreamStallTimeout, logger);
                        return;
                    case AttemptOutcome.ClientAborted:
                        metrics.Request(target.CategoryName, candidate, "client_aborted", fallback);
                        return;
                    case AttemptOutcome.DeadlineExceeded:
                        failures.Add($"{candidate.Model.Id}@{candidate.Region}: {attempt.Failure}");
                        deadlineHit = time.GetUtcNow() >= deadline;
                        break;
                    default:
                        failures.Add($"{candidate.Model.Id}@{candidate.Region}: {attempt.Failure}");
                        retryAfter[candidate] = attempt.RetryAfter;
                        LogAttemptFailed(logger, requestId, candidate.Model.Id, candidate.Region, attempt.Failure);
                        break;
                }

                if (deadlineHit)
                {
                    break;
                }
            }

            if (attempts == attemptsBeforePass)
            {
                break; // every candidate was skipped by its breaker
            }
        }

        response.Headers[RoutingHeaders.Attempts] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        metrics.Request(target.CategoryName, null, deadlineHit ? "deadline_exceeded" : "unavailable", attempts > 1);
        await WriteExhaustedAsync(context, list, failures.Concat(skipped.Values), attempts, deadlineHit, timeout);
    }

    /// <summary>A client error means the provider is up; an abandoned attempt says nothing about it.</summary>
    private static BreakerOutcome BreakerOutcomeOf(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Success or AttemptOutcome.ClientError => BreakerOutcome.Success,
        AttemptOutcome.Retryable or AttemptOutcome.DeadlineExceeded => BreakerOutcome.Failure,
        _ => BreakerOutcome.Abandoned,
    };

    private static Task WriteExhaustedAsync(HttpContext context, CandidateList list, IEnumerable<string> failures, int attempts, bool deadlineHit, TimeSpan timeout)
    {
        var detail = string.Join("; ", failures.Concat(list.Excluded));
        var error = list.ContextShortfall is { } shortfall
            ? RequestError.Invalid($"This request needs about {shortfall.Needed} tokens (prompt, max_tokens and reserve), but the largest context window available is {shortfall.LargestWindow} ({shortfall.LargestModel}). Shorten the prompt or lower max_tokens. Skipped: {detail}.", "messages", "context_length_exceeded")
            : list.Candidates.Count == 0
            ? RequestError.Invalid($"No model of this category can serve the request: {detail}.", "model", "no_eligible_model")
            : attempts == 0
                ? new RequestError(StatusCodes.Status503ServiceUnavailable, $"No candidate can be tried now: {detail}.", "api_error", null, "upstream_unavailable")
            : deadlineHit
                ? new RequestError(StatusCodes.Status504GatewayTimeout, $"The request's deadline of {timeout.TotalSeconds:0.###} s passed after {attempts} attempt(s): {detail}.", "api_error", null, "deadline_exceeded")
                : new RequestError(StatusCodes.Status503ServiceUnavailable, $"Every candidate failed after {attempts} attempt(s): {detail}.", "api_error", null, "upstream_unavailable");
        return Apis.OpenAiErrors.WriteAsync(context, error);
    }

    private static void WriteRoutingHeaders(HttpResponse response, Candidate candidate, int attempts, bool fallback)
    {
        response.Headers[RoutingHeaders.Model] = candidate.Model.Id;
        response.Headers[RoutingHeaders.Region] = candidate.Region;
        response.Headers[RoutingHeaders.Attempts] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[RoutingHeaders.Fallback] = fallback ? "true" : "false";
    }

    [LoggerMessage(2001, LogLevel.Warning, "Request {RequestId}: attempt on {Model}@{Region} failed ({Failure}); moving on.")]
    private static partial void LogAttemptFailed(ILogger logger, string requestId, string model, string region, string? failure);
}
