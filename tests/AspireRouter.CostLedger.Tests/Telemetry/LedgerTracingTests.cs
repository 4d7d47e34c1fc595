using System.Diagnostics;
using AspireRouter.CostLedger.Telemetry;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Telemetry;

/// <summary>The ledger's batch span links back to each written event's request trace.</summary>
public sealed class LedgerTracingTests
{
    [Fact]
    public void Batch_LinksToEveryEventThatCarriesATraceParent()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == LedgerTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var request = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var traceParent = $"00-{request.TraceId}-{request.SpanId}-01";

        using var batch = LedgerTracing.StartBatch(
        [
            CostEvents.Make(requestId: "traced") with { TraceParent = traceParent },
            CostEvents.Make(requestId: "untraced"),
            CostEvents.Make(requestId: "garbled") with { TraceParent = "not-a-traceparent" },
        ]);

        Assert.NotNull(batch);
        Assert.Equal(ActivityKind.Consumer, batch.Kind);
        Assert.Equal(default, batch.ParentSpanId); // the loop's own root, not under whatever ran before
        var link = Assert.Single(batch.Links);
        Assert.Equal(request.TraceId, link.Context.TraceId);
        Assert.Equal(request.SpanId, link.Context.SpanId);
        Assert.Equal(3, batch.GetTagItem("messaging.batch.message_count"));
    }
}
