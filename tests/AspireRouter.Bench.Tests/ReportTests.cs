using AspireRouter.Bench.Load;

namespace AspireRouter.Bench.Tests;

public sealed class ReportTests
{
    [Theory]
    [InlineData(50, 5)]
    [InlineData(99, 10)]
    [InlineData(100, 10)]
    [InlineData(0, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    public void Percentile_NearestRank_OfOneToTen(double percent, double expected)
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

        Assert.Equal(expected, LatencySamples.Percentile(sorted, percent));
    }

    [Fact]
    public void Percentile_NoSamples_IsNaN() => Assert.True(double.IsNaN(LatencySamples.Percentile([], 99)));

    [Fact]
    public void ProcessSample_ParsesStatWithSpacesInTheNameAndStatus()
    {
        var stat = "4242 (dotnet worker) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0 100 1000000 5000";
        string[] status = ["Name:\tdotnet", "VmHWM:\t  204800 kB", "VmRSS:\t  102400 kB"];

        var sample = ProcessSample.Parse(stat, status);

        Assert.Equal(3.0, sample.CpuSeconds, 3);
        Assert.Equal(100L * 1024 * 1024, sample.RssBytes);
        Assert.Equal(200L * 1024 * 1024, sample.PeakRssBytes);
    }

    [Fact]
    public void Checks_CompareTheGatewayWithYarpAndThePeerAndDirect()
    {
        var closed = new LoadShape(32, 0, false, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        var open = new LoadShape(0, 1000, false, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        RunResult[] results =
        [
            Result(Target.Yarp, closed, 10_000, [1.0]),
            Result(Target.Gateway, closed, 8_000, [1.0]),
            Result(Target.GatewayOtel, closed, 8_600, [1.0]),
            Result(Target.Peer, closed, 1_000, [1.0]),
            Result(Target.Direct, open, 1_000, [1.0, 2.0]),
            Result(Target.Gateway, open, 1_000, [1.3, 5.0]),
        ];

        var checks = SuiteReport.Checks(results).ToList();

        Assert.Equal(
        [
            "| throughput gateway / yarp, 32 conn | 80 % | >= 70 % | yes |",
            "| throughput gateway-otel / yarp, 32 conn | 86 % | >= 85 % | yes |",
            "| throughput gateway / portkey, 32 conn | 8.0x | >= 10x | **no** |",
            "| added p50, 1000 req/s | +0.30 | < 0.5 ms | yes |",
            "| added p99, 1000 req/s | +3.00 | < 2 ms | **no** |",
        ], checks);
    }

    [Fact]
    public void Format_AddsLatencyOverDirectPerLoad()
    {
        var closed = new LoadShape(1, 0, false, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        var table = SuiteReport.Format([Result(Target.Direct, closed, 100, [0.5]), Result(Target.Gateway, closed, 90, [0.75])], []);

        Assert.Contains("| 1 conn | direct | 100 | 0.50 | 0.50 |  |  | 0 |", table);
        Assert.Contains("| 1 conn | gateway | 90 | 0.75 | 0.75 | +0.25 | +0.25 | 0 |", table);
    }

    [Fact]
    public void Merge_AddsRequestsAndTime_PoolsLatencies_WeighsCpu()
    {
        var shape = new LoadShape(32, 0, false, TimeSpan.FromSeconds(4), TimeSpan.Zero);
        RunResult[] rounds =
        [
            new(Target.Gateway, shape with { Duration = TimeSpan.FromSeconds(2) }, 3, 1, 1.5, [1, 2, 9], 40, 10, Seconds: 2),
            new(Target.Gateway, shape with { Duration = TimeSpan.FromSeconds(2) }, 1, 0, 0.5, [4], 100, 30, Seconds: 6),
        ];

        var merged = RunResult.Merge(shape, rounds);

        Assert.Equal(shape, merged.Shape);
        Assert.Equal(4, merged.Completed);
        Assert.Equal(1, merged.Errors);
        Assert.Equal(0.5, merged.RequestsPerSecond, 6);   // 4 requests in 8 s, not the mean of 1.5 and 0.5
        Assert.Equal([1, 2, 4, 9], merged.SortedMs);
        Assert.Equal(85, merged.CpuPercent, 6);          // (40*2 + 100*6) / 8
        Assert.Equal(30, merged.PeakRssBytes);
        Assert.Equal(8, merged.Seconds);
    }

    [Fact]
    public void Added_IsTheMedianOfTheDifferencesWithinEachRound_SoOneRoundsHiccupDoesNotDecideIt()
    {
        var open = new LoadShape(0, 1000, false, TimeSpan.FromSeconds(3), TimeSpan.Zero);
        // Direct had a 9 ms hiccup in round 2; the gateway was 0.3 ms above direct in every round.
        var direct = RunResult.Merge(open, [Result(Target.Direct, open, 1000, [1.0]), Result(Target.Direct, open, 1000, [9.0]), Result(Target.Direct, open, 1000, [1.2])]);
        var gateway = RunResult.Merge(open, [Result(Target.Gateway, open, 1000, [1.3]), Result(Target.Gateway, open, 1000, [1.4]), Result(Target.Gateway, open, 1000, [1.5])]);

        Assert.Equal(0.3, SuiteReport.Added(gateway, direct, r => r.P99), 6);
        Assert.Equal(-7.5, gateway.P99 - direct.P99, 6); // what the pooled figures would have said
    }

    [Fact]
    public void Added_WithoutRounds_IsThePlainDifference()
    {
        var open = new LoadShape(0, 1000, false, TimeSpan.FromSeconds(1), TimeSpan.Zero);

        Assert.Equal(0.5, SuiteReport.Added(Result(Target.Gateway, open, 1000, [1.5]), Result(Target.Direct, open, 1000, [1.0]), r => r.P50), 6);
    }

    private static RunResult Result(string target, LoadShape shape, double rps, double[] ms) =>
        new(target, shape, ms.Length, 0, rps, ms, 50, 100 * 1024 * 1024);
}
