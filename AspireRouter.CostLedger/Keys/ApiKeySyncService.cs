using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Keys;

/// <summary>
/// Re-mirrors every key row into Redis at start-up and then every <see cref="AdminOptions.KeySyncInterval"/>, so keys survive a Redis
/// restart or flush (PostgreSQL is the source of truth). Failures are retried at the next round.
/// Re-syncs do not announce a change: the gateways pick them up at their next refresh.
/// </summary>
public sealed partial class ApiKeySyncService(IServiceScopeFactory scopes, ApiKeyPublisher publisher, IOptions<AdminOptions> options, ILogger<ApiKeySyncService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.KeySyncInterval);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<LedgerDbContext>();
                foreach (var key in await db.ApiKeys.AsNoTracking().ToListAsync(stoppingToken))
                {
                    await publisher.PublishAsync(key, announce: false);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException)
            {
                LogSyncFailed(logger, ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(4401, LogLevel.Warning, "Could not mirror the API keys into Redis ({Failure}); retrying at the next round.")]
    private static partial void LogSyncFailed(ILogger logger, string failure);
}
