using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireRouter.CostLedger.Data;

/// <summary>Whether the migrations have been applied: the consumer and the reports wait for it.</summary>
public sealed class LedgerSchema
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void MarkReady() => _ready.TrySetResult();
}

/// <summary>
/// Applies the EF Core migrations at start-up, inside the provider's execution strategy and a trace span, retrying with
/// backoff while PostgreSQL is unreachable (the eShop <c>MigrateDbContextExtensions</c> pattern, without blocking start-up).
/// </summary>
internal sealed partial class LedgerMigrator(
    IServiceScopeFactory scopes, LedgerSchema schema, TimeProvider time, ILogger<LedgerMigrator> logger) : BackgroundService
{
    public static readonly ActivitySource ActivitySource = new("AspireRouter.CostLedger.Migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            using var activity = ActivitySource.StartActivity("Migrate ledger database", ActivityKind.Client);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
                var strategy = db.Database.CreateExecutionStrategy();
                await strategy.ExecuteAsync(() => db.Database.MigrateAsync(stoppingToken));
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

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Ledger database migrated.")]
    private static partial void LogMigrated(ILogger logger);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Migrating the ledger database failed; retrying in {Delay}.")]
    private static partial void LogMigrationFailed(ILogger logger, Exception exception, TimeSpan delay);
}

/// <summary>Unhealthy until the migrations have been applied.</summary>
internal sealed class LedgerSchemaHealthCheck(LedgerSchema schema) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(schema.IsReady
            ? HealthCheckResult.Healthy("Migrations applied.")
            : HealthCheckResult.Unhealthy("Migrations not applied yet."));
}
