using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using AspireRouter.CostLedger.Access;

namespace AspireRouter.CostLedger.Keys;

/// <summary>
/// Mirrors every key row into Redis (PostgreSQL is the source of truth): at start-up, every
/// <see cref="AdminOptions.KeySyncInterval"/>, and as soon as Redis is seen without them. Every
/// <see cref="AdminOptions.KeyMirrorCheckInterval"/> it reads the server's <c>run_id</c> (<c>INFO server</c>) and the
/// keys hash's length: a new <c>run_id</c> (a restart) or fewer keys than it wrote (a flush, an eviction) mirrors
/// them all again at once and announces it, so the gateways reload instead of waiting for their next refresh.
/// Failures are retried at the next check.
/// </summary>
public sealed partial class ApiKeySyncService(
    IServiceScopeFactory scopes, LedgerSchema schema, ApiKeyPublisher publisher, IConnectionMultiplexer redis, IOptions<AdminOptions> options, TimeProvider time,
    ILogger<ApiKeySyncService> logger) : BackgroundService
{
    private string? _runId;
    private DateTimeOffset _nextSync = DateTimeOffset.MinValue;
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // No key table before the migrations: querying it would only log "relation api_keys does not exist".
        try
        {
            await schema.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
                _failing = false;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or DbUpdateException or Npgsql.NpgsqlException or InvalidOperationException
                                       && !stoppingToken.IsCancellationRequested)
            {
                if (!_failing)
                {
                    _failing = true; // once per outage, not every check
                    LogSyncFailed(logger, ex.GetType().Name);
                }
            }

            try
            {
                var current = options.Value;
                await Task.Delay(current.KeyMirrorCheckInterval < current.KeySyncInterval ? current.KeyMirrorCheckInterval : current.KeySyncInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Mirrors the keys when a periodic sync is due or Redis has lost them.</summary>
    internal async Task CheckAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var runId = RunIdOf((string?)await database.ExecuteAsync("INFO", "server"));
        var length = await database.HashLengthAsync(RedisKeys.ApiKeys);
        var now = time.GetUtcNow();
        var lost = _runId is not null && runId != _runId ? "Redis restarted (new run_id)"
            : length < publisher.Written ? $"Redis holds {length} of the {publisher.Written} keys written"
            : null;
        if (lost is null && now < _nextSync)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<LedgerDbContext>().ApiKeys.AsNoTracking().ToListAsync(cancellationToken);
        await publisher.MirrorAsync(keys);
        (_runId, _nextSync) = (runId, now + options.Value.KeySyncInterval);
        if (lost is not null)
        {
            await publisher.AnnounceAllAsync();
            LogMirroredAgain(logger, keys.Count, lost);
        }
    }

    private static string? RunIdOf(string? info)
    {
        foreach (var line in (info ?? "").AsSpan().EnumerateLines())
        {
            if (line.StartsWith("run_id:", StringComparison.Ordinal))
            {
                return line["run_id:".Length..].Trim().ToString();
            }
        }

        return null;
    }

    [LoggerMessage(5201, LogLevel.Warning, "Could not mirror the API keys into Redis ({Failure}); retrying at the next check.")]
    private static partial void LogSyncFailed(ILogger logger, string failure);

    [LoggerMessage(5202, LogLevel.Warning, "Mirrored the {Count} API keys into Redis again: {Reason}.")]
    private static partial void LogMirroredAgain(ILogger logger, int count, string reason);
}
