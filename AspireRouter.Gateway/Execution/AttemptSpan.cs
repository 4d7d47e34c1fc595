using System.Diagnostics;
using System.Globalization;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.ServiceDefaults.Telemetry;

namespace AspireRouter.Gateway.Execution;

/// <summary>Ends an attempt's client span (started by <see cref="Telemetry.GatewayTelemetry.StartAttempt"/>) with how it went.</summary>
internal static class AttemptSpan
{
    public static void End(Activity? activity, UpstreamAttempt attempt, int number)
    {
        if (activity is null)
        {
            return;
        }

        if (!activity.Recorded)
        {
            if (attempt.Outcome is AttemptOutcome.Success)
            {
                return; // an unsampled request's attempt: nothing to describe
            }

            // A failure keeps its trace (below): the span of an unsampled request had no attributes until now.
            GatewayTelemetry.Describe(activity, attempt.Candidate, number);
        }

        if (attempt.Status is { } status)
        {
            activity.SetTag("http.response.status_code", (int)status);
        }

        activity.SetTag("aspirerouter.outcome", attempt.Outcome.ToString());
        if (attempt.Outcome is not AttemptOutcome.Success)
        {
            activity.SetStatus(ActivityStatusCode.Error, attempt.Failure);
            activity.SetTag("error.type", ErrorType(attempt));
            // At once, not when the span ends: the attempts that follow (fallbacks, retries) are then sampled whole.
            TraceKeeping.Keep(activity, "error");
        }

        // A stream that started is still being generated: its span ends with the stream. Every other attempt is over.
        if (attempt.OpenStream is null)
        {
            activity.SetEndTime(DateTime.UtcNow);
        }
    }

    /// <summary>The semantic conventions' <c>error.type</c>: the HTTP status, else the outcome; null for a success.</summary>
    public static string? ErrorType(UpstreamAttempt attempt) =>
        attempt.Outcome is AttemptOutcome.Success ? null
        : attempt.Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture)
        : attempt.Outcome.ToString();
}
