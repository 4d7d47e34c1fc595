using System.Diagnostics;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Xunit.Abstractions;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>Measures what the ledger sustains on this machine; asserts only a floor far below it.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ThroughputTests(LedgerInfrastructure infrastructure, ITestOutputHelper output)
{
    [Fact]
    public async Task Throughput_BacklogOf5000_WrittenAndEndToEndLagMeasured()
    {
        const int Count = 5000;
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var warm = harness.StartLedger();
        await harness.PublishAsync(CostEvents.Make());
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "warm-up row");

        // Backlog: how fast the ledger drains a stream that filled while it was away.
        await harness.StopLedgerAsync();
        await harness.PublishManyAsync(Enumerable.Range(0, Count).Select(i => CostEvents.Make(team: $"team-{i % 7}", cost: 0.0001m * (i % 13))));
        harness.StartLedger();
        var clock = Stopwatch.StartNew();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == Count + 1, $"{Count} rows", TimeSpan.FromMinutes(3));
        var rate = Count / clock.Elapsed.TotalSeconds;
        var drainMs = await harness.ScalarAsync("SELECT (extract(epoch FROM max(recorded_at) - min(recorded_at)) * 1000)::bigint FROM cost_entries WHERE team LIKE 'team-%'");
        output.WriteLine($"Backlog: {Count} events written in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} events/s including start-up; "
            + $"first to last commit {drainMs} ms = {Count * 1000.0 / Math.Max(1, drainMs):F0} events/s.");

        // Steady feed: 100 events/s for 5 s; end-to-end lag = ledger commit time - gateway's occurredAt.
        var start = await harness.ScalarAsync("SELECT count(*) FROM cost_entries");
        for (var second = 0; second < 5; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                await harness.PublishManyAsync(Enumerable.Range(0, 10).Select(_ => CostEvents.Make(team: "steady", at: DateTimeOffset.UtcNow)));
                await Task.Delay(100);
            }
        }

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == start + 500, "steady rows");
        var p50 = await harness.ScalarAsync($"SELECT (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000))::bigint FROM cost_entries WHERE team = 'steady'");
        var p99 = await harness.ScalarAsync($"SELECT (percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM recorded_at - occurred_at) * 1000))::bigint FROM cost_entries WHERE team = 'steady'");
        output.WriteLine($"Steady 100 events/s: end-to-end lag (occurredAt to ledger row) p50 {p50} ms, p99 {p99} ms.");

        Assert.True(rate > 100, $"Only {rate:F0} events/s.");
        Assert.True(p99 < 5000, $"p99 end-to-end lag {p99} ms.");
        warm.Dispose();
    }
}
