using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireRouter.CostLedger.Data;

/// <summary>Whether the migrations have been applied: the consumer, the key mirror and the reports wait for it.</summary>
public sealed class LedgerSchema(TimeProvider time)
{
    /// <summary>
    /// How long a ledger that has not migrated yet reports itself starting (Degraded) rather than failing (Unhealthy):
    /// a fresh deployment's database, a replica waiting for another's migrations, PostgreSQL still starting.
    /// </summary>
    public static readonly TimeSpan StartupGrace = TimeSpan.FromMinutes(2);

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Applies the EF Core migrations at start-up, inside the provider's execution strategy and a trace span, retrying with
/// backoff while PostgreSQL is unreachable (the eShop <c>MigrateDbContextExtensions</c> pattern, without blocking start-up).
/// Replicas starting together take turns: each migrates under a PostgreSQL advisory lock
/// (<see cref="MigrationLockKey"/>), so the first creates the schema and the others find it applied.
/// </summary>
internal sealed partial class LedgerMigrator(
    IServiceScopeFactory scopes, LedgerSchema schema, TimeProvider time, ILogger<LedgerMigrator> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new("AspireRouter.CostLedger.Migrations");

    /// <summary>The session-level advisory lock every ledger replica holds while it migrates ("AR_LEDGR").</summary>
    public const long MigrationLockKey = 0x41525F4C45444752;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var activity = ActivitySource.StartActivity("Migrate ledger database", ActivityKind.Internal);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(() => MigrateUnderLockAsync(db, stoppingToken));
                schema.MarkReady();
                LogMigrated(logger);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                activity?.AddException(ex);
                activity?.SetStatus(ActivityStatusCode.Error);
                LogMigrationFailed(logger, ex, delay);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private static async Task MigrateUnderLockAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        // The lock belongs to the session: the connection stays open until it is released (or closed, which releases it).
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                // EF probes a missing history table by querying it, which logs a failed command as an error on every
                // first start: create it first (IF NOT EXISTS), so the probe finds it.
                var history = db.GetService<IHistoryRepository>();
                await db.Database.ExecuteSqlRawAsync(history.GetCreateIfNotExistsScript(), cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Ledger database migrated.")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Migrating the ledger database failed; retrying in {Delay}.")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception, TimeSpan delay);
}

/// <summary>
/// Healthy once the migrations have been applied; until then Degraded (starting) for <see cref="LedgerSchema.StartupGrace"/>,
/// then Unhealthy: a first start is not an error, a database that never becomes usable is.
/// </summary>
internal sealed class LedgerSchemaHealthCheck(LedgerSchema schema, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (schema.IsReady)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Migrations applied."));
        }

        var waited = time.GetUtcNow() - schema.StartedAt;
        return Task.FromResult(waited < LedgerSchema.StartupGrace
            ? HealthCheckResult.Degraded($"Starting: migrations not applied yet ({waited.TotalSeconds:0} s).")
            : HealthCheckResult.Unhealthy($"Migrations not applied after {waited.TotalSeconds:0} s: is PostgreSQL reachable?"));
    }
}
