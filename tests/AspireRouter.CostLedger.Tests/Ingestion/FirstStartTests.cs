using System.Net;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>
/// A fresh deployment: ledger replicas that start together on an empty database migrate it once, one at a time, and log
/// no error on the way (no health check failing before the schema exists, no query of a table not created yet).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class FirstStartTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task TwoReplicas_StartingTogetherOnAnEmptyDatabase_BothComeUp_AndLogNoError()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var logs = new ListLoggerProvider();
        await using var first = harness.CreateReplica(logs: logs);
        await using var second = harness.CreateReplica(logs: logs);

        // Both hosts start at once, and /health is asked while they migrate, as Container Apps' probes would.
        var clients = await Task.WhenAll(Task.Run(first.CreateClient), Task.Run(second.CreateClient));
        foreach (var client in clients)
        {
            await Eventually.TrueAsync(async () =>
            {
                using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
                return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "Healthy";
            }, "/health Healthy on both replicas", TimeSpan.FromSeconds(30));
        }

        await using var db = harness.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(2, logs.Entries.Count(e => e.Id.Id == 5001)); // "Ledger database migrated." once per replica
        var errors = logs.Entries.Where(e => e.Level >= LogLevel.Error).Select(e => e.ToString()).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }
}
