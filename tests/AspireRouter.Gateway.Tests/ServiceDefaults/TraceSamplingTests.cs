using System.Diagnostics;
using AspireRouter.ServiceDefaults.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace AspireRouter.Gateway.Tests.ServiceDefaults;

/// <summary>
/// <see cref="KeepingSampler"/> with <see cref="TraceKeepingProcessor"/>: the ratio decides ordinary traces, errors
/// and kept requests are exported whatever it says, and background loops make no root spans.
/// Runs alone (<see cref="Telemetry.TelemetryCollection"/>): a listener elsewhere in the process that records every
/// source would decide these samples for it.
/// </summary>
[Collection(Telemetry.TelemetryCollection.Name)]
public sealed class TraceSamplingTests : IDisposable
{
    private readonly ActivitySource _source = new("AspireRouter.Tests.Sampling." + Guid.NewGuid().ToString("N"));
    private readonly List<Activity> _exported = [];
    private TracerProvider? _provider;

    private static readonly KeyValuePair<string, object?>[] Chat = [new(KeepingSampler.GenAiOperationTag, "chat")];

    private Activity? StartAttempt() => _source.StartActivity("chat qwen-3-8b", ActivityKind.Client, default(ActivityContext), Chat);

    private void Start(double ratio)
    {
        _provider?.Dispose();
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(_source.Name)
            .SetSampler(new KeepingSampler(ratio))
            .AddProcessor(new TraceKeepingProcessor())
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [Fact]
    public void RatioZero_EveryKeptFailureIsExportedWithItsRequest_NoSuccessIs()
    {
        Start(ratio: 0);
        for (var i = 0; i < 200; i++)
        {
            using var request = _source.StartActivity("POST /v1/chat/completions", ActivityKind.Server);
            using (var attempt = StartAttempt())
            {
                attempt!.SetTag("request", i);
                if (i % 7 == 0)
                {
                    // What the gateway does as an attempt fails (AttemptSpan.End).
                    attempt.SetStatus(ActivityStatusCode.Error, "HTTP 503");
                    TraceKeeping.Keep(attempt, "error");
                }
            }
        }

        var failed = Enumerable.Range(0, 200).Count(i => i % 7 == 0);
        Assert.Equal(failed, _exported.Count(a => a.Kind == ActivityKind.Client));
        Assert.Equal(failed, _exported.Count(a => a.Kind == ActivityKind.Server));
        Assert.All(_exported.Where(a => a.Kind == ActivityKind.Client), a => Assert.Equal(ActivityStatusCode.Error, a.Status));
    }

    [Fact]
    public void KeptRequest_LaterChildrenAreSampledAndExported()
    {
        Start(ratio: 0);
        using (var request = _source.StartActivity("request", ActivityKind.Server))
        {
            Assert.False(request!.Recorded);
            TraceKeeping.Keep(request, "fallback");
            using var attempt = _source.StartActivity("chat kimi-k2-5", ActivityKind.Client, default(ActivityContext), Chat);
            Assert.True(attempt!.Recorded); // sampled by its parent: traceparent to the provider says so too
        }

        Assert.Equal(["chat kimi-k2-5", "request"], _exported.Select(a => a.DisplayName));
        Assert.Equal("fallback", _exported[1].GetTagItem(TraceKeeping.ReasonTag));
    }

    [Fact]
    public void Unsampled_RootAndAttemptAreNotExported_OtherChildrenNotCreated()
    {
        Start(ratio: 0);
        using (var request = _source.StartActivity("request", ActivityKind.Server))
        {
            Assert.False(request!.Recorded); // recorded, so that it can still be kept, not exported
            using var attempt = StartAttempt();
            Assert.False(attempt!.Recorded); // recorded too: its failure would keep the request
            Assert.Null(_source.StartActivity("POST", ActivityKind.Client)); // anything else under it: not created
        }

        Assert.Empty(_exported);
    }

    [Fact]
    public void ChildStartedBeforeItsRequestWasKept_GoesWithIt_OrFailing_KeepsIt()
    {
        Start(ratio: 0);
        using (var request = _source.StartActivity("request", ActivityKind.Server))
        {
            TraceKeeping.Keep(request, "slow");
            var early = _source.StartActivity("hedge", ActivityKind.Client)!;
            early.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded; // as if started before the request was kept
            early.Stop();
        }

        Assert.Equal(["hedge", "request"], _exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void BackgroundCommandWithoutParent_IsNotRecorded_RequestChildrenAre()
    {
        Start(ratio: 1);
        // Only context for propagation at most: no tags, no processors, no export.
        using (var poll = _source.StartActivity("XREADGROUP", ActivityKind.Client))
        {
            Assert.False(poll?.IsAllDataRequested ?? false);
        }

        using (var publish = _source.StartActivity("XADD", ActivityKind.Producer))
        {
            Assert.False(publish?.IsAllDataRequested ?? false);
        }

        using (_source.StartActivity("request", ActivityKind.Server))
        {
            using var command = _source.StartActivity("EVALSHA", ActivityKind.Client);
            Assert.NotNull(command);
        }

        Assert.Equal(["EVALSHA", "request"], _exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void Ratio_SamplesAboutItsShare_AndLinksToASampledTraceAreSampled()
    {
        Start(ratio: 0.25);
        for (var i = 0; i < 2000; i++)
        {
            using var _ = _source.StartActivity("request", ActivityKind.Server);
        }

        Assert.InRange(_exported.Count, 400, 600);

        var sampled = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        Start(ratio: 0);
        _exported.Clear();
        using (_source.StartActivity(ActivityKind.Consumer, default, links: [new ActivityLink(sampled)], name: "process ar:costs"))
        {
        }

        Assert.Equal("process ar:costs", Assert.Single(_exported).DisplayName);
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _source.Dispose();
    }
}
