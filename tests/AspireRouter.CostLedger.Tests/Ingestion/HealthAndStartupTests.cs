using System.Net;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireRouter.CostLedger.Tests.Ingestion;

[Collection(LedgerCollection.Name)]
public sealed class HealthAndStartupTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Startup_AppliesMigrations_AndReportsHealthy()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var client = harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () =>
        {
            // Degraded (starting, still 200) until the migrations are applied, then Healthy.
            using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
            return response.StatusCode == HttpStatusCode.OK && await response.Content.ReadAsStringAsync() == "Healthy";
        }, "/health Healthy");
        await using var db = harness.CreateDbContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Contains("20261128214410_InitialLedger", await db.Database.GetAppliedMigrationsAsync());
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM daily_rollups"));
    }

    [Fact]
    public async Task Health_StreamBacklogPastThreshold_IsDegradedWithLag()
    {
        // PostgreSQL unreachable: the consumer waits for the schema, so the backlog stays.
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["ConnectionStrings:ledgerdb"] = $"Host=127.0.0.1;Port={RedisServer.FreePort()};Username=postgres;Database=none;Timeout=1",
            ["Ingestion:LagDegradedThreshold"] = "5",
        });
        await harness.PublishManyAsync(Enumerable.Range(0, 8).Select(_ => CostEvents.Make()));
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StackExchange.Redis.StreamPosition.Beginning);
        harness.StartLedger();

        var health = harness.Factory.Services.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(r => r.Name == "cost-stream-lag");
        var entry = report.Entries["cost-stream-lag"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(8L, entry.Data["lag"]);

        // Starting, not failing: within LedgerSchema.StartupGrace a ledger without its schema is Degraded.
        var schema = await health.CheckHealthAsync(r => r.Name == "ledger-schema");
        Assert.Equal(HealthStatus.Degraded, schema.Status);
        Assert.False(harness.Factory.Services.GetRequiredService<LedgerSchema>().IsReady);
    }

    [Fact]
    public async Task Health_BacklogUnderThreshold_IsHealthy()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        await harness.PublishAsync(CostEvents.Make());
        harness.StartLedger();
        await LedgerHarness.EventuallyAsync(async () => await harness.CountRowsAsync() == 1, "1 row");

        var health = harness.Factory.Services.GetRequiredService<HealthCheckService>();
        var report = await health.CheckHealthAsync(r => r.Name == "cost-stream-lag");
        Assert.Equal(HealthStatus.Healthy, report.Status);
    }
}
