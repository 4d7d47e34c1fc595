using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Ingestion;
using AspireRouter.CostLedger.Telemetry;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Tests.Ingestion;

/// <summary>
/// The ledger behind the gateways: <c>/health</c> Degraded and one alert per episode while the backlog is too long or
/// too old, Healthy and one "caught up" line after. The ledger cannot write (PostgreSQL unreachable), so the backlog
/// stays until this test acknowledges it in the ledger's group, as another replica would.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class IngestionLagTests(LedgerInfrastructure infrastructure)
{
    private static Task<LedgerHarness> WithoutPostgresAsync(LedgerInfrastructure infrastructure) =>
        LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["ConnectionStrings:ledgerdb"] = $"Host=127.0.0.1;Port={RedisServer.FreePort()};Username=postgres;Database=none;Timeout=1",
            ["Ingestion:LagDegradedThreshold"] = "5",
        });

    private static async Task<HealthReportEntry> HealthAsync(LedgerHarness harness)
    {
        var report = await harness.Factory.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "cost-stream-lag");
        return report.Entries["cost-stream-lag"];
    }

    [Fact]
    public async Task LedgerBehind_IsDegradedWithOneAlert_ThenHealthyWithOneCaughtUpLine()
    {
        await using var harness = await WithoutPostgresAsync(infrastructure);
        var logs = new ListLoggerProvider();
        harness.StartLedger(logs: logs);
        using var alerts = new MetricCollector<long>(harness.Factory.Services.GetRequiredService<IMeterFactory>(), LedgerMetrics.MeterName, "ledger.ingestion.lag_alerts");
        var monitor = harness.Factory.Services.GetRequiredService<IngestionLagMonitor>();

        // The gateways write faster than the ledger: without PostgreSQL it never even creates its group.
        await harness.PublishManyAsync(Enumerable.Range(0, 8).Select(_ => CostEvents.Make()));

        await LedgerHarness.EventuallyAsync(() => Task.FromResult(monitor.IsBehind), "the ledger behind (8 unread, threshold 5)");
        var degraded = await HealthAsync(harness);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("The ledger is behind: the stream backlog (8 unread + 0 pending) exceeds 5", degraded.Description, StringComparison.Ordinal);

        // Another replica catches up: read and acknowledged in the group.
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning);
        var read = await harness.Redis.StreamReadGroupAsync(CostStream.Name, CostStream.ConsumerGroup, "other-replica", StreamPosition.NewMessages, 100);
        Assert.Equal(8, read.Length);
        await harness.Redis.StreamAcknowledgeAsync(CostStream.Name, CostStream.ConsumerGroup, [.. read.Select(e => e.Id)]);

        await LedgerHarness.EventuallyAsync(() => Task.FromResult(!monitor.IsBehind), "the ledger caught up");
        Assert.Equal(HealthStatus.Healthy, (await HealthAsync(harness)).Status);
        var behind = Assert.Single(logs.Entries, e => e.Id.Id == 5120);
        Assert.Equal(LogLevel.Warning, behind.Level);
        Assert.Contains("At 200000 uncommitted entries the gateways hold cost events back", behind.Message, StringComparison.Ordinal);
        Assert.Single(logs.Entries, e => e.Id.Id == 5121 && e.Level == LogLevel.Information);
        Assert.Equal(1, alerts.GetMeasurementSnapshot().Sum(m => m.Value)); // one alert for the episode, not one per measurement
    }

    [Fact]
    public async Task OldestUncommittedEntryTooOld_IsDegraded_HoweverShortTheBacklog()
    {
        await using var harness = await WithoutPostgresAsync(infrastructure);
        var old = DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds();
        await harness.Redis.StreamAddAsync(CostStream.Name, CostStream.EventField, "{}", messageId: $"{old}-0");
        await harness.Redis.StreamCreateConsumerGroupAsync(CostStream.Name, CostStream.ConsumerGroup, StreamPosition.Beginning);
        harness.StartLedger();

        var entry = await HealthAsync(harness);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("the oldest uncommitted cost event is 12", entry.Description, StringComparison.Ordinal);
        Assert.Contains("(limit 30 s)", entry.Description, StringComparison.Ordinal);
        Assert.InRange((double)entry.Data["oldestUnconsumedSeconds"], 119, 180);
    }

    [Fact]
    public void LagThreshold_NotBelowTheGatewaysCeiling_IsRejected()
    {
        var validator = new IngestionOptionsRulesValidator(Options.Create(new CostBacklogOptions { Ceiling = 1000, ResumeBelow = 500 }));

        var result = validator.Validate(null, new IngestionOptions { LagDegradedThreshold = 1000 });

        Assert.True(result.Failed);
        Assert.Contains("Ingestion:LagDegradedThreshold (1000) must be below CostBacklog:Ceiling (1000)", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new IngestionOptions { LagDegradedThreshold = 999 }).Succeeded);
    }
}
