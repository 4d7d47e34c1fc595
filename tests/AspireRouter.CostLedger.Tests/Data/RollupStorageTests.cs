using AspireRouter.CostLedger.Tests.Infrastructure;
using Npgsql;

namespace AspireRouter.CostLedger.Tests.Data;

/// <summary>The rollup tables leave room on each page so the updates every batch makes to a day's rows stay on their page.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RollupStorageTests(LedgerInfrastructure infrastructure)
{
    [Theory]
    [InlineData("daily_rollups")]
    [InlineData("daily_dimension_rollups")]
    public async Task Rollups_AreMigratedWithAFillFactorOf70(string table)
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        harness.StartLedger();
        await harness.PublishAsync(CostEvents.Make(cost: 0.01m));
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "the row written, so the migrations ran");

        await using var connection = new NpgsqlConnection(harness.LedgerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT reloptions FROM pg_class WHERE relname = @table", connection);
        command.Parameters.AddWithValue("table", table);
        var options = (string[]?)await command.ExecuteScalarAsync();

        Assert.Contains("fillfactor=70", options ?? []);
    }
}
