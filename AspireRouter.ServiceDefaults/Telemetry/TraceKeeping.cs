using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Keeps a request's trace that ratio sampling passed over (<see cref="KeepingSampler"/>): the span and its
/// in-process ancestors become recorded and sampled, so they are exported when they end (with the attributes set
/// from then on: instrumentation skipped the start-time ones of a span that was only a context), and so is every span
/// started under them from then on (later attempts, the cost event, the provider's own spans through
/// <c>traceparent</c>). Spans that ended before stay out.
/// </summary>
public static class TraceKeeping
{
    /// <summary>Tag naming why a trace outside the ratio was kept: <c>error</c>, <c>fallback</c>, <c>panic</c>, <c>slow</c>.</summary>
    public const string ReasonTag = "aspirerouter.trace.kept";

    public static void Keep(Activity? activity, string reason)
    {
        if (activity is null || activity.Recorded)
        {
            return;
        }

        activity.IsAllDataRequested = true;
        activity.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        activity.SetTag(ReasonTag, reason);
        for (var span = activity.Parent; span is not null && !span.IsStopped; span = span.Parent)
        {
            span.IsAllDataRequested = true;
            span.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }

    /// <summary>
    /// At a request's end, when it is exported: the request attributes the instrumentation sets at the start of a
    /// sampled request, given to a request that was kept after it started (an unsampled request's span is only a
    /// context until then, and the instrumentation skipped them).
    /// </summary>
    public static void DescribeKeptRequest(Activity activity, HttpResponse response)
    {
        if (activity.GetTagItem("url.path") is not null)
        {
            return;
        }

        var request = response.HttpContext.Request;
        activity.SetTag("http.request.method", request.Method);
        activity.SetTag("url.scheme", request.Scheme);
        activity.SetTag("url.path", request.Path.Value);
        activity.SetTag("server.address", request.Host.Host);
        if (request.Host.Port is { } port)
        {
            activity.SetTag("server.port", port);
        }
    }

    /// <summary>Whether <paramref name="activity"/> will be exported when it ends: its trace is sampled or was kept.</summary>
    public static bool WillExport(Activity activity)
    {
        for (var span = activity; span is not null; span = span.Parent)
        {
            if (span.Recorded)
            {
                return true;
            }
        }

        return false;
    }
}
