using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Ingestion;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>
/// The batch write path (binary COPY, INSERT … ON CONFLICT DO NOTHING RETURNING, rollups from the returned rows):
/// duplicates inside a batch, across batches and across concurrent writers give one row and one rollup count each; a
/// row the COPY refuses is isolated alone.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class BatchWriteTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Write_DuplicatesInsideOneBatchAndAcrossBatches_OneRowEach()
    {
        await using var harness = await MigratedAsync();
        var events = Enumerable.Range(0, 100).Select(i => CostEvents.Make(cost: 0.01m)).ToList();

        var first = await WriteAsync(harness, [.. events[..60], .. events[..10]]);
        Assert.Equal((60, 10), (first.Inserted, first.Duplicates));
        var oldest = events[..60].Min(e => e.OccurredAt);
        Assert.Equal(oldest.AddTicks(-(oldest.Ticks % 10)), first.OldestOccurredAt);   // PostgreSQL keeps microseconds

        var second = await WriteAsync(harness, events[40..]);
        Assert.Equal((40, 20), (second.Inserted, second.Duplicates));

        Assert.Equal(100, await harness.CountRowsAsync());
        Assert.Equal(100, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups"));
        Assert.Equal(400, await harness.ScalarAsync("SELECT sum(requests) FROM daily_dimension_rollups")); // user, feature, region, key
    }

    [Fact]
    public async Task Write_TwoWritersConcurrently_OverlappingBatches_EveryEventOnceInRowsAndRollups()
    {
        await using var harness = await MigratedAsync();
        var teams = new[] { "alpha", "beta", "gamma" };
        var events = Enumerable.Range(0, 600).Select(i => CostEvents.Make(team: teams[i % 3], user: $"u{i % 7}", cost: 0.001m)).ToList();

        // Each round, two writers race over overlapping batches in opposite orders: the same keys and rollup rows.
        var inserted = 0;
        for (var round = 0; round < 6; round++)
        {
            var slice = events.Skip(round * 100).Take(150).ToList();
            var results = await Task.WhenAll(WriteAsync(harness, slice), WriteAsync(harness, [.. Enumerable.Reverse(slice)]));
            inserted += results.Sum(r => r.Inserted);
        }

        Assert.Equal(600, inserted);
        Assert.Equal(600, await harness.CountRowsAsync());
        Assert.Equal(600, await harness.ScalarAsync("SELECT count(DISTINCT request_id) FROM cost_entries"));
        Assert.Equal(600, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups"));
        Assert.Equal(600, await harness.ScalarAsync($"SELECT sum(requests) FROM daily_dimension_rollups WHERE dimension = 'user'"));
    }

    [Fact]
    public async Task Ingest_TwoConsumersInOneGroup_DuplicatesAcrossThem_EveryEventExactlyOneRow()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string> { ["Ingestion:BatchSize"] = "50" });
        await using var one = harness.CreateReplica("replica-one");
        await using var two = harness.CreateReplica("replica-two");
        _ = one.Services;
        _ = two.Services;

        var events = Enumerable.Range(0, 1000).Select(i => CostEvents.Make(team: $"t{i % 5}", cost: 0.002m)).ToList();
        foreach (var chunk in events.Chunk(100))
        {
            await harness.PublishManyAsync([.. chunk, .. chunk.Take(30)]);   // each chunk carries copies of its own events
        }

        await harness.PublishManyAsync(events.Take(200));                    // and a replay of earlier ones
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1000 && await harness.PendingAsync() == 0
            && (await harness.Redis.StreamGroupInfoAsync(CostStream.Name))[0].Lag == 0, "1000 rows, everything acknowledged", TimeSpan.FromSeconds(60));

        var consumers = await harness.Redis.StreamConsumerInfoAsync(CostStream.Name, CostStream.ConsumerGroup);
        Assert.Equal(["replica-one", "replica-two"], consumers.Select(c => c.Name.ToString()).Order());
        Assert.Equal(1000, await harness.ScalarAsync("SELECT count(DISTINCT request_id) FROM cost_entries"));
        Assert.Equal(1000, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups"));
        Assert.Equal(2, await harness.ScalarAsync("SELECT sum(cost_usd)::bigint FROM daily_rollups"));
    }

    [Fact]
    public async Task Write_RowsTheCopyRefuses_AreIsolatedAlone_TheRestWritten()
    {
        await using var harness = await MigratedAsync();
        var good = Enumerable.Range(0, 60).Select(_ => CostEvents.Make()).ToList();
        var overflow = CostEvents.Make(cost: 1_000_000_000_000m);            // beyond numeric(20,10): refused by PostgreSQL in the COPY
        var unencodable = CostEvents.Make(user: "half a pair \uD800");        // a lone surrogate: refused while encoding the COPY
        List<(string, RequestCostRecorded)> batch = [.. good[..20].Select(Entry), Entry(overflow), .. good[20..45].Select(Entry), Entry(unencodable), .. good[45..].Select(Entry)];

        await using var scope = harness.Factory.Services.CreateAsyncScope();
        var (written, refused) = await scope.ServiceProvider.GetRequiredService<IsolatingWriter>().WriteAsync(batch, CancellationToken.None);

        Assert.Equal(60, written.Inserted);
        Assert.Equal([overflow.RequestId, unencodable.RequestId], refused.Select(r => r.Event.RequestId));
        Assert.Contains("22003", refused[0].Reason, StringComparison.Ordinal);
        Assert.Contains("EncoderFallbackException", refused[1].Reason, StringComparison.Ordinal);
        Assert.Equal(60, await harness.CountRowsAsync());
        Assert.Equal(60, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups"));
    }

    private async Task<LedgerHarness> MigratedAsync()
    {
        var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        await harness.PublishAsync(CostEvents.Make(team: "warm-up"));
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "the schema migrated and a first row");
        await harness.StopLedgerAsync();
        await harness.ExecuteAsync("TRUNCATE cost_entries, daily_rollups, daily_dimension_rollups");
        harness.StartLedger();
        return harness;
    }

    private static async Task<WriteResult> WriteAsync(LedgerHarness harness, IReadOnlyList<RequestCostRecorded> events)
    {
        await using var scope = harness.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CostWriter>().WriteAsync([.. events.Select(Entry)], CancellationToken.None);
    }

    private static (string, RequestCostRecorded) Entry(RequestCostRecorded cost) => ($"0-{cost.RequestId.GetHashCode() & 0xffff}", cost);
}
