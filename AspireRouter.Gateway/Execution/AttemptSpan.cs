using System.Diagnostics;
using System.Globalization;

namespace AspireRouter.Gateway.Execution;

/// <summary>Ends an attempt's client span (started by <see cref="Telemetry.GatewayTelemetry.StartAttempt"/>) with how it went.</summary>
internal static class AttemptSpan
{
    public static void End(Activity? activity, UpstreamAttempt attempt)
    {
        if (activity is null)
        {
            return;
        }

        if (attempt.Status is { } status)
        {
            activity.SetTag("http.response.status_code", (int)status);
        }

        activity.SetTag("aspirerouter.outcome", attempt.Outcome.ToString());
        if (attempt.Outcome is not AttemptOutcome.Success)
        {
            activity.SetStatus(ActivityStatusCode.Error, attempt.Failure);
            activity.SetTag("error.type", attempt.Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : attempt.Outcome.ToString());
        }
    }
}
