using System.Diagnostics;
using OpenTelemetry;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Runs before the exporter and decides, as each recorded-only span ends, whether it is kept after all: a span that
/// failed (status Error), a request (a local root span) slower than the threshold, or a span whose request was
/// kept meanwhile (<see cref="TraceKeeping.Keep"/>). A kept span marks its ancestors, so a failed attempt keeps its
/// request. What ended before the trace was kept (a Redis read during admission, a fast attempt before a slow
/// request's end) stays out: the decision is made as spans end, with no buffering.
/// </summary>
public sealed class TraceKeepingProcessor(TimeSpan slowThreshold) : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
        {
            return;
        }

        if (data.Status == ActivityStatusCode.Error)
        {
            TraceKeeping.Keep(data, "error");
        }
        else if (data.Duration >= slowThreshold && (data.Parent is null || data.HasRemoteParent))
        {
            TraceKeeping.Keep(data, "slow");
        }
        else if (data.Parent is { } parent && TraceKeeping.WillExport(parent))
        {
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }
}
