using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AspireRouter.CostLedger.Tests.Data;

/// <summary>cost_entries partitioned by month: partitions ahead of time, rows moved out of the default partition, retention, and the conversion of an existing ledger.</summary>
[Collection(LedgerCollection.Name)]
public sealed class PartitionTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Start_CreatesTheCurrentMonthAndTheMonthsAhead()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string> { ["Partitions:MonthsAhead"] = "5" });
        harness.StartLedger();
        var now = DateTime.UtcNow;
        var current = new DateOnly(now.Year, now.Month, 1);
        var expected = Enumerable.Range(0, 6).Select(i => current.AddMonths(i)).ToList();

        await LedgerHarness.EventuallyAsync(async () => expected.All((await MonthsAsync(harness)).Contains), "six months of partitions");
        Assert.Equal(1, await harness.ScalarAsync($"SELECT count(*) FROM pg_class WHERE relname = '{LedgerPartitions.DefaultPartition}'"));
        Assert.Equal("p", await TextAsync(harness, "SELECT relkind::text FROM pg_class WHERE relname = 'cost_entries'"));
    }

    [Fact]
    public async Task CreatingAMonth_MovesItsRowsOutOfTheDefaultPartition_ReplaysStillDeduplicate_RetentionDropsIt()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        var old = CostEvents.Make(at: new DateTimeOffset(2020, 3, 15, 12, 0, 0, TimeSpan.Zero), cost: 0.25m);
        await harness.PublishAsync(old);
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "the old row");
        Assert.Equal(LedgerPartitions.DefaultPartition, await TextAsync(harness, "SELECT tableoid::regclass::text FROM cost_entries"));

        var partitions = harness.Factory.Services.GetServices<IHostedService>().OfType<LedgerPartitions>().Single();
        await using var connection = new NpgsqlConnection(harness.LedgerConnectionString);
        await connection.OpenAsync();
        await partitions.CreateMonthAsync(connection, new DateOnly(2020, 3, 1), CancellationToken.None);
        Assert.Equal("cost_entries_2020_03", await TextAsync(harness, "SELECT tableoid::regclass::text FROM cost_entries"));

        await harness.PublishAsync(old);   // a replay, after its row moved partitions
        await LedgerHarness.EventuallyAsync(async () => (await harness.Redis.StreamGroupInfoAsync(AspireRouter.Contracts.Costs.CostStream.Name))[0].Lag == 0
            && await harness.PendingAsync() == 0, "replay consumed");
        Assert.Equal(1, await harness.CountRowsAsync());

        await partitions.DropBeforeAsync(connection, new DateOnly(2020, 4, 1), CancellationToken.None);
        Assert.DoesNotContain(new DateOnly(2020, 3, 1), await MonthsAsync(harness));
        Assert.Equal(0, await harness.CountRowsAsync());
        Assert.Equal(1, await harness.ScalarAsync("SELECT sum(requests) FROM daily_rollups WHERE day = '2020-03-15'"));
    }

    [Fact]
    public async Task Migration_ConvertsAnExistingLedger_KeepingItsRows_AndFillsTheDimensionRollups()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        await using (var db = harness.CreateDbContext())
        {
            await db.GetService<IMigrator>().MigrateAsync("20261204162730_CorrelationIdAndUserLength");
        }

        await harness.ExecuteAsync("""
            INSERT INTO cost_entries (request_id, occurred_at, day, team, "user", feature, category, requested_model, model, region, gateway_region, outcome,
                streamed, attempts, fallback, hedged, latency_ms, input_tokens, cached_input_tokens, output_tokens, reasoning_tokens,
                cost_usd, baseline_cost_usd, estimated, attempt_costs, recorded_at, stream_entry_id)
            SELECT 'old-' || i, timestamptz '2026-01-20 10:00+00' + i * interval '1 day', (date '2026-01-20' + i), 'alpha', 'u' || (i % 2), NULL, 'general', 'general',
                'qwen-3-8b', 'global', 'global', 'success', false, 1, false, false, 10, 100, 0, 10, 0, 0.5, 1, false, '[]', now(), i || '-0'
            FROM generate_series(0, 39) AS i;
            """);

        await using (var db = harness.CreateDbContext())
        {
            await db.Database.MigrateAsync();
        }

        Assert.Equal(40, await harness.CountRowsAsync());
        Assert.Equal("p", await TextAsync(harness, "SELECT relkind::text FROM pg_class WHERE relname = 'cost_entries'"));
        Assert.Equal(2, await harness.ScalarAsync("SELECT count(DISTINCT tableoid) FROM cost_entries"));   // January and February 2026
        Assert.Equal(40, await harness.ScalarAsync("SELECT sum(requests) FROM daily_dimension_rollups WHERE dimension = 'user'"));
        Assert.Equal(40, await harness.ScalarAsync("SELECT sum(requests) FROM daily_dimension_rollups WHERE dimension = 'feature' AND value = '(none)'"));
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM pg_class WHERE relname = 'cost_entries_unpartitioned'"));
    }

    private static async Task<List<DateOnly>> MonthsAsync(LedgerHarness harness)
    {
        await using var connection = new NpgsqlConnection(harness.LedgerConnectionString);
        await connection.OpenAsync();
        return await LedgerPartitions.MonthsAsync(connection, CancellationToken.None);
    }

    private static async Task<string> TextAsync(LedgerHarness harness, string sql)
    {
        await using var connection = new NpgsqlConnection(harness.LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
