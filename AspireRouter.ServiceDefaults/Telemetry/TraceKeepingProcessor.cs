using System.Diagnostics;
using OpenTelemetry;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Runs before the exporter. A span recorded but not sampled (one that started before <see cref="TraceKeeping.Keep"/>
/// made its parent recorded, such as a hedge running while its twin failed) is exported when it failed (status Error,
/// which keeps its ancestors too) or when its request was kept meanwhile. Nothing is buffered: what ended before its
/// trace was kept stays out.
/// </summary>
public sealed class TraceKeepingProcessor : BaseProcessor<Activity>
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
        else if (data.Parent is { } parent && TraceKeeping.WillExport(parent))
        {
            data.ActivityTraceFlags |= ActivityTraceFlags.Recorded;
        }
    }
}
