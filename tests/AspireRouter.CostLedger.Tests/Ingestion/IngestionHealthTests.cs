using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary><c>/health</c> shows ingestion progress: a ledger that stopped writing is Unhealthy, not Healthy.</summary>
[Collection(LedgerCollection.Name)]
public sealed class IngestionHealthTests(LedgerInfrastructure infrastructure)
{
    private const string Check = "cost-stream-lag";

    private static async Task<HealthReportEntry> CheckAsync(LedgerHarness harness) =>
        (await harness.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == Check)).Entries[Check];

    [Fact]
    public async Task Health_OldestPendingEntryPastThreshold_IsUnhealthy()
    {
        // Entries a crashed consumer holds and nobody claims (ClaimMinIdle 10 min): the oldest pending one only ages.
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Ingestion:ClaimMinIdle"] = "00:10:00",
            ["Ingestion:PendingUnhealthyAfter"] = "00:00:01",
            ["Ingestion:StalledUnhealthyAfter"] = "00:10:00",
        });
        await harness.PublishManyAsync(Enumerable.Range(0, 3).Select(_ => CostEvents.Make()));
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning);
        Assert.Equal(3, (await harness.Redis.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, "crashed", StreamPosition.NewMessages, 10)).Length);
        harness.StartLedger();

        HealthReportEntry entry = default;
        await LedgerHarness.EventuallyAsync(async () => (entry = await CheckAsync(harness)).Status == HealthStatus.Unhealthy, "Unhealthy");
        Assert.Contains("oldest pending", entry.Description, StringComparison.Ordinal);
        Assert.True((double)entry.Data["oldestPendingSeconds"] >= 1);
    }

    [Fact]
    public async Task Health_BacklogThatDoesNotMove_IsUnhealthy()
    {
        // PostgreSQL unreachable from the start: the consumer never reads, the unread backlog never moves.
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["ConnectionStrings:ledgerdb"] = $"Host=127.0.0.1;Port={RedisServer.FreePort()};Username=postgres;Database=none;Timeout=1",
            ["Ingestion:StalledUnhealthyAfter"] = "00:00:01",
        });
        await harness.PublishManyAsync(Enumerable.Range(0, 4).Select(_ => CostEvents.Make()));
        harness.StartLedger();

        HealthReportEntry entry = default;
        await LedgerHarness.EventuallyAsync(async () => (entry = await CheckAsync(harness)).Status == HealthStatus.Unhealthy, "Unhealthy");
        Assert.Contains("no progress", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_BacklogThatMoves_StaysHealthy()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Ingestion:StalledUnhealthyAfter"] = "00:00:01",
            ["Ingestion:PendingUnhealthyAfter"] = "00:00:02",
        });
        harness.StartLedger();
        for (var i = 0; i < 3; i++)
        {
            await harness.PublishManyAsync(Enumerable.Range(0, 5).Select(_ => CostEvents.Make()));
            await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 5 * (i + 1) && await harness.PendingAsync() == 0, "written");
            Assert.Equal(HealthStatus.Healthy, (await CheckAsync(harness)).Status);
        }
    }
}
