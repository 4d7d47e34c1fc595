using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Redis;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.HealthProbe.Tests.Latency;

/// <summary>The shared latency summaries through a real redis-server, with a fake clock choosing the slices.</summary>
[Collection(RedisCollection.Name)]
public sealed class LatencySummaryStoreTests(RedisServerFixture redis, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly LatencyWindow Window = new(TimeSpan.FromMinutes(5), 10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await redis.Server.ConnectAsync(redis.Server.NextDatabase());

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    private LatencySummaryStore Store() => new(() => _connection.GetDatabase(), Window, _time);

    private LatencySampleBatch Batch() => new(Window, _time);

    [Fact]
    public async Task TwoWriters_Merge_IntoOneWindow()
    {
        var gateway = Batch();
        var probe = Batch();
        for (var i = 1; i <= 60; i++)
        {
            gateway.Record("m", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(100 + i));
        }

        for (var i = 1; i <= 40; i++)
        {
            probe.Record("m", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(1000 + i));
            probe.Record("m", "global", LatencyMetric.Ttft, TimeSpan.FromMilliseconds(50));
        }

        gateway.RecordError("m", "global");
        await Store().WriteAsync(gateway.Drain());
        await Store().WriteAsync(probe.Drain());
        await Store().MarkProbedAsync("m", "global", _time.GetUtcNow());

        var summary = (await Store().ReadAsync([("m", "global"), ("other", "global")]))[("m", "global")];

        Assert.Equal(100, summary[LatencyMetric.Total].Count);
        Assert.Equal(40, summary[LatencyMetric.Ttft].Count);
        Assert.Equal(1, summary.Errors);
        Assert.Equal(_time.GetUtcNow(), summary.LastProbe);
        var stats = summary.Stats(LatencyMetric.Total)!;
        Assert.InRange(stats.P50.TotalMilliseconds, 148, 152);
        Assert.InRange(stats.P99.TotalMilliseconds, 1000, 1062);
        Assert.Equal(1.0 / 101, stats.ErrorRate, 6);
    }

    [Fact]
    public async Task Samples_LeaveTheWindow_AsTimeMoves_AndKeysExpire()
    {
        var batch = Batch();
        batch.Record("m", "global", LatencyMetric.Total, TimeSpan.FromSeconds(3));
        await Store().WriteAsync(batch.Drain());

        _time.Advance(TimeSpan.FromMinutes(2));
        batch.Record("m", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(200));
        await Store().WriteAsync(batch.Drain());
        Assert.Equal(2, (await Store().ReadAsync([("m", "global")]))[("m", "global")][LatencyMetric.Total].Count);

        // Past the window the old slice no longer counts, though Redis may still hold it for one more slice.
        _time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(1));
        var summary = (await Store().ReadAsync([("m", "global")]))[("m", "global")];
        Assert.Equal(1, summary[LatencyMetric.Total].Count);
        Assert.InRange(summary.Stats(LatencyMetric.Total)!.P99.TotalMilliseconds, 198, 202);

        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(
            RedisKeys.LatencySlice("m", "global", "total", Window.SliceOf(_time.GetUtcNow() - TimeSpan.FromMinutes(3))));
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, Window.Expiry - TimeSpan.FromSeconds(5), Window.Expiry);
    }

    [Fact]
    public async Task FailedFlush_IsRestored_AndWrittenLater()
    {
        var batch = Batch();
        batch.Record("m", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(300));
        var drained = batch.Drain();
        batch.Record("m", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(310));

        batch.Restore(drained);
        await Store().WriteAsync(batch.Drain());

        Assert.Equal(2, (await Store().ReadAsync([("m", "global")]))[("m", "global")][LatencyMetric.Total].Count);
    }

    public static TheoryData<string> Distributions => ["lognormal", "pareto", "bimodal", "exponential"];

    /// <summary>
    /// p50/p95/p99 read back from Redis after the samples were spread over several writers and slices are within 5% of the
    /// exact nearest-rank percentiles of the same samples (the histogram's bound is 1%).
    /// </summary>
    [Theory]
    [MemberData(nameof(Distributions))]
    public async Task Percentiles_ThroughRedis_AreWithin5PercentOfExact_OnSkewedDistributions(string distribution)
    {
        var random = new Random(42);
        var samples = Enumerable.Range(0, 20_000).Select(_ => Sample(distribution, random)).ToArray();
        var writers = Enumerable.Range(0, 3).Select(_ => Batch()).ToArray();
        for (var i = 0; i < samples.Length; i++)
        {
            writers[i % writers.Length].Record("m", "global", LatencyMetric.Total, samples[i]);
            if (i % 4000 == 3999)
            {
                foreach (var writer in writers)
                {
                    await Store().WriteAsync(writer.Drain());
                }

                _time.Advance(TimeSpan.FromSeconds(31));
            }
        }

        var stats = (await Store().ReadAsync([("m", "global")]))[("m", "global")].Stats(LatencyMetric.Total)!;
        Assert.Equal(samples.Length, stats.Samples);
        var sorted = samples.Order().ToArray();
        foreach (var (q, measured) in new[] { (0.50, stats.P50), (0.95, stats.P95), (0.99, stats.P99) })
        {
            var exact = sorted[(int)Math.Ceiling(q * sorted.Length) - 1];
            var error = Math.Abs(measured.TotalMilliseconds - exact.TotalMilliseconds) / exact.TotalMilliseconds;
            output.WriteLine($"{distribution} p{q * 100:0}: exact {exact.TotalMilliseconds:0.00} ms, from Redis {measured.TotalMilliseconds:0.00} ms, error {error:P2}");
            Assert.True(error <= 0.05, $"{distribution} p{q * 100}: {error:P2}");
        }
    }

    private static TimeSpan Sample(string distribution, Random random)
    {
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var ms = distribution switch
        {
            "lognormal" => Math.Exp(Math.Log(300) + (0.8 * Normal())),
            "pareto" => 200 / Math.Pow(1 - random.NextDouble(), 1 / 1.5),
            "bimodal" => random.NextDouble() < 0.97 ? 250 + (50 * Normal()) : 4000 + (800 * Normal()),
            _ => 50 - (400 * Math.Log(1 - random.NextDouble())),
        };
        return TimeSpan.FromMilliseconds(Math.Max(1, ms));
    }
}
