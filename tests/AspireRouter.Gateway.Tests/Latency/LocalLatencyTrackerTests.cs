using AspireRouter.Gateway.Latency;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using AspireRouter.Contracts.Latency;

namespace AspireRouter.Gateway.Tests.Latency;

public class LocalLatencyTrackerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly LocalLatencyTracker _tracker;

    public LocalLatencyTrackerTests() =>
        _tracker = new LocalLatencyTracker(Options.Create(new LatencyOptions { MinSamples = 5 }), new LatencyWindow(TimeSpan.FromMinutes(5), 10), _time);

    [Fact]
    public void Snapshot_GivesPercentilesAndErrorRate_AfterRefresh()
    {
        for (var i = 1; i <= 100; i++)
        {
            _tracker.Record("qwen-3-8b", "global", TimeSpan.FromMilliseconds(i * 10), success: true);
        }

        _tracker.Record("qwen-3-8b", "global", TimeSpan.FromSeconds(1), success: false);
        Assert.Null(_tracker.Get("qwen-3-8b", "global"));

        _tracker.Refresh();
        var stats = _tracker.Get("qwen-3-8b", "global")!;

        Assert.InRange(stats.P50.TotalMilliseconds, 490, 510);
        Assert.InRange(stats.P99.TotalMilliseconds, 975, 1005);
        Assert.Equal(100, stats.Samples);
        Assert.Equal(1.0 / 101, stats.ErrorRate, 6);
        Assert.Null(_tracker.Get("qwen-3-8b", "cn"));
    }

    [Fact]
    public void Samples_LeaveTheWindow_AsTimeMoves()
    {
        for (var i = 0; i < 20; i++)
        {
            _tracker.Record("glm-5", "cn", TimeSpan.FromSeconds(3), success: true);
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        for (var i = 0; i < 20; i++)
        {
            _tracker.Record("glm-5", "cn", TimeSpan.FromMilliseconds(300), success: true);
        }

        _tracker.Refresh();
        Assert.Equal(40, _tracker.Get("glm-5", "cn")!.Samples);

        _time.Advance(TimeSpan.FromMinutes(2.5));
        _tracker.Refresh();
        var recent = _tracker.Get("glm-5", "cn")!;

        Assert.Equal(20, recent.Samples);
        Assert.InRange(recent.P99.TotalMilliseconds, 295, 305);
    }

    [Fact]
    public void TooFewSamples_IsUnknown()
    {
        _tracker.Record("kimi-k2-5", "global", TimeSpan.FromSeconds(2), success: true);
        _tracker.Refresh();

        Assert.Null(_tracker.Get("kimi-k2-5", "global"));
    }
}
