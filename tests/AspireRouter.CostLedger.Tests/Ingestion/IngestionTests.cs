using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Tests.Ingestion;

[Collection(LedgerCollection.Name)]
public sealed class IngestionTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Ingest_Events_WritesOneRowEachAndAcknowledges()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var events = Enumerable.Range(0, 50).Select(i => CostEvents.Make(cost: 0.001m * (i + 1))).ToList();
        await harness.PublishManyAsync(events);
        harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 50, "50 rows");
        await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 0, "nothing pending");

        await using var db = harness.CreateDbContext();
        var row = await db.CostEntries.SingleAsync(e => e.RequestId == events[7].RequestId);
        Assert.Equal(events[7].CostUsd, row.CostUsd);
        Assert.Equal("alpha", row.Team);
        Assert.Contains("deepseek-v4-flash", row.AttemptsJson, StringComparison.Ordinal);
        Assert.Equal(events.Sum(e => e.CostUsd), await db.CostEntries.SumAsync(e => e.CostUsd));
    }

    [Fact]
    public async Task Ingest_DuplicateRequestId_IsIgnored()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var original = CostEvents.Make(requestId: "req-dup", cost: 0.5m);
        await harness.PublishAsync(original);
        await harness.PublishAsync(original with { CostUsd = 9m });   // same batch
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 0 && await harness.CountRowsAsync() == 1, "first copy written");

        await harness.PublishAsync(original with { CostUsd = 7m });   // a later replay
        await LedgerHarness.EventuallyAsync(async () => (await harness.Redis.StreamGroupInfoAsync(CostStream.Name))[0].Lag == 0
            && await harness.PendingAsync() == 0, "replay consumed");

        await using var db = harness.CreateDbContext();
        var row = await db.CostEntries.SingleAsync();
        Assert.Equal(0.5m, row.CostUsd);
        var rollup = await db.DailyRollups.SingleAsync();
        Assert.Equal(1, rollup.Requests);
        Assert.Equal(0.5m, rollup.CostUsd);
    }

    [Fact]
    public async Task Ingest_PostgresDown_EntriesStayPendingUntilItIsBack()
    {
        // Without EF Core's own retries (up to a minute per write) each failed write reaches the consumer, which retries it.
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Aspire:Npgsql:EntityFrameworkCore:PostgreSQL:DisableRetry"] = "true",
        });
        harness.StartLedger();
        await harness.PublishAsync(CostEvents.Make());
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "first row");

        await infrastructure.Postgres.StopAsync();
        try
        {
            await harness.PublishManyAsync(Enumerable.Range(0, 20).Select(_ => CostEvents.Make()));
            await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 20, "20 entries read but not acknowledged");
            // Retried while PostgreSQL is gone (each retry reads them again), and still pending: neither acknowledged nor dead-lettered.
            await LedgerHarness.EventuallyAsync(async () => (await harness.Redis.StreamPendingMessagesAsync(CostStream.Name, CostStream.ConsumerGroup, 50, RedisValue.Null))
                .Count(p => p.DeliveryCount >= 3) == 20, "the 20 entries read again by two retries");
            Assert.Equal(20, await harness.PendingAsync());
            Assert.Equal(0, await harness.Redis.StreamLengthAsync(CostStream.DeadLetter));
        }
        finally
        {
            await infrastructure.Postgres.RestartAsync();
        }

        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 21 && await harness.PendingAsync() == 0,
            "the pending entries written after PostgreSQL came back", TimeSpan.FromSeconds(90));

        // An outage is not poison: nothing was dead-lettered while PostgreSQL was gone.
        Assert.Equal(0, await harness.Redis.StreamLengthAsync(CostStream.DeadLetter));
    }

    [Fact]
    public async Task Ingest_DeadConsumerPendingEntries_AreReclaimed()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        await harness.PublishManyAsync(Enumerable.Range(0, 10).Select(_ => CostEvents.Make()));
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning);
        var taken = await harness.Redis.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, "crashed-consumer", StreamPosition.NewMessages, 10);
        Assert.Equal(10, taken.Length);

        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 10 && await harness.PendingAsync() == 0,
            "the crashed consumer's entries written and acknowledged");
    }

    [Fact]
    public async Task Trim_ZeroRetention_RemovesAcknowledgedEntries_KeepsPendingAndUnread()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Ingestion:StreamRetention"] = "00:00:00",
            ["Ingestion:ClaimMinIdle"] = "00:10:00",
        });

        // Five entries a crashed consumer read and never acknowledged, then twenty the ledger writes.
        await harness.PublishManyAsync(Enumerable.Range(0, 5).Select(_ => CostEvents.Make()));
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning);
        var stuck = await harness.Redis.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, "crashed-consumer", StreamPosition.NewMessages, 5);
        Assert.Equal(5, stuck.Length);
        await harness.PublishManyAsync(Enumerable.Range(0, 20).Select(_ => CostEvents.Make()));
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 20 && await harness.PendingAsync() == 5, "20 rows written and acknowledged");

        // The oldest pending entry holds the trim point: nothing after it may go, since its row is not written yet.
        await harness.TrimPassAsync();
        Assert.Equal(25, await harness.Redis.StreamLengthAsync(CostStream.Name));

        // Once the stuck entries are acknowledged (their consumer came back and wrote them), everything acknowledged goes.
        await harness.Redis.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, [.. stuck.Select(e => e.Id)]);
        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.Name) <= 1, "acknowledged entries trimmed");

        // New entries are still read after a trim.
        await harness.PublishAsync(CostEvents.Make());
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 21 && await harness.PendingAsync() == 0, "a new entry written");
    }

    [Fact]
    public void TrimmerIds_ParseBothForms()
    {
        Assert.Equal((1700000000000UL, 7UL), StreamBacklog.ParseId("1700000000000-7"));
        Assert.Equal((42UL, 0UL), StreamBacklog.ParseId("42"));
    }

    [Fact]
    public async Task Ingest_PoisonEvents_GoToDeadLetterWithReason()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        await harness.PublishRawAsync("{not json");
        await harness.PublishAsync(CostEvents.Make(team: ""));
        await harness.PublishAsync(CostEvents.Make(cost: -1m));
        await harness.Redis.StreamAddAsync(CostStream.Name, "other", "x");
        await harness.PublishAsync(CostEvents.Make());
        harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () => await harness.Redis.StreamLengthAsync(CostStream.DeadLetter) == 4, "4 dead letters");
        await LedgerHarness.EventuallyAsync(async () => await harness.PendingAsync() == 0 && await harness.CountRowsAsync() == 1, "the good event written");

        var dead = await harness.Redis.StreamRangeAsync(CostStream.DeadLetter);
        Assert.All(dead, d => Assert.False(d["reason"].IsNullOrEmpty));
        Assert.Contains(dead, d => d["reason"].ToString().StartsWith("Unparseable", StringComparison.Ordinal) && d[CostStream.EventField] == "{not json");
        Assert.Contains(dead, d => d["reason"].ToString().Contains("team", StringComparison.Ordinal));
        Assert.Contains(dead, d => d["reason"].ToString().Contains("costUsd", StringComparison.Ordinal));
        Assert.Contains(dead, d => d["reason"].ToString().Contains("no 'event' field", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ingest_Rollup_SumsNewRowsPerDayTeamCategoryModel()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var day1 = new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero);
        var day2 = new DateTimeOffset(2026, 3, 2, 0, 30, 0, TimeSpan.FromHours(2));   // 2026-03-01 22:30 UTC
        var day3 = new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
        var duplicate = CostEvents.Make(at: day1, cost: 1m, input: 10, output: 20);
        await harness.PublishManyAsync(
        [
            duplicate, duplicate,
            CostEvents.Make(at: day2, cost: 2m, input: 100, output: 200),
            CostEvents.Make(at: day3, cost: 4m, input: 1000, output: 2000),
            CostEvents.Make(at: day3, team: "beta", cost: 8m),
            CostEvents.Make(at: day3, model: null, outcome: "failed", cost: 0m),
        ]);
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 5 && await harness.PendingAsync() == 0, "5 rows");

        await using var db = harness.CreateDbContext();
        var rollups = await db.DailyRollups.OrderBy(r => r.Day).ThenBy(r => r.Team).ThenBy(r => r.Model).ToListAsync();
        Assert.Equal(4, rollups.Count);
        var first = rollups[0];
        Assert.Equal((new DateOnly(2026, 3, 1), "alpha", "deepseek-v4-flash"), (first.Day, first.Team, first.Model));
        Assert.Equal((2L, 110L, 220L, 3m), (first.Requests, first.InputTokens, first.OutputTokens, first.CostUsd));
        Assert.Contains(rollups, r => r.Day == new DateOnly(2026, 3, 2) && r.Team == "alpha" && r.Model == "deepseek-v4-flash" && r.CostUsd == 4m);
        Assert.Contains(rollups, r => r.Day == new DateOnly(2026, 3, 2) && r.Team == "beta" && r.CostUsd == 8m);
        Assert.Contains(rollups, r => r.Model == "(none)" && r.Requests == 1);
        Assert.Equal(await db.CostEntries.SumAsync(e => e.CostUsd), rollups.Sum(r => r.CostUsd));
        Assert.Equal(await db.CostEntries.SumAsync(e => e.BaselineCostUsd), rollups.Sum(r => r.BaselineCostUsd));
    }

    [Fact]
    public async Task Ingest_LedgerRestarted_ContinuesWithoutLossOrDuplicates()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        await harness.PublishManyAsync(Enumerable.Range(0, 100).Select(_ => CostEvents.Make()));
        await harness.StopLedgerAsync();
        await harness.PublishManyAsync(Enumerable.Range(0, 100).Select(_ => CostEvents.Make()));
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 200 && await harness.PendingAsync() == 0, "200 rows");
    }

    [Fact]
    public async Task Ingest_RedisRestarted_ConsumerRecreatesItsGroupAndContinues()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        await harness.PublishManyAsync(Enumerable.Range(0, 10).Select(_ => CostEvents.Make()));
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 10, "10 rows before the restart");

        // The private server keeps no data: the stream and its group are gone, as after a Redis that lost its disk.
        await infrastructure.Redis.StopAsync();
        await Task.Delay(500);
        await infrastructure.Redis.RestartAsync();

        await LedgerHarness.EventuallyAsync(async () =>
        {
            await harness.PublishManyAsync(Enumerable.Range(0, 10).Select(_ => CostEvents.Make()));
            return true;
        }, "publishing after the restart");
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 20 && await harness.PendingAsync() == 0,
            "10 more rows after the restart");
    }
}
