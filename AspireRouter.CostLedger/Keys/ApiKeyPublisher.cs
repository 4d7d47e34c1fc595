using System.Collections.Concurrent;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.Data;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Keys;

/// <summary>
/// Mirrors key rows into the Redis hash the gateways read (<see cref="RedisKeys.ApiKeys"/>) and announces each change
/// on <see cref="RedisKeys.ApiKeyChanges"/>, so every gateway reloads at once instead of at its next refresh.
/// </summary>
public sealed class ApiKeyPublisher(IConnectionMultiplexer redis)
{
    private readonly ConcurrentDictionary<string, bool> _written = new(StringComparer.Ordinal);

    /// <summary>How many distinct keys this ledger has written into Redis: fewer in Redis means Redis lost some.</summary>
    public int Written => _written.Count;

    public static ApiKeyRecord ToRecord(ApiKey key) => new(
        key.Id,
        key.Team,
        key.AllowedCategories.Length == 0 ? [] : key.AllowedCategories.Split(','),
        key.Residency,
        key.RequestsPerMinute,
        key.TokensPerMinute,
        key.RevokedAt,
        key.DailyBudgetUsd,
        key.MonthlyBudgetUsd);

    /// <summary>Keys written per <c>HSET</c> when mirroring them all.</summary>
    private const int MirrorChunk = 500;

    /// <summary>Writes every key's record, a few hundred per command; no announcement.</summary>
    public async Task MirrorAsync(IReadOnlyList<ApiKey> keys)
    {
        var database = redis.GetDatabase();
        foreach (var chunk in keys.Chunk(MirrorChunk))
        {
            await database.HashSetAsync(RedisKeys.ApiKeys, [.. chunk.Select(key =>
                new HashEntry(key.SecretHash, JsonSerializer.Serialize(ToRecord(key), ApiKeyJsonContext.Default.ApiKeyRecord)))]);
            foreach (var key in chunk)
            {
                _written[key.SecretHash] = true;
            }
        }
    }

    /// <summary>Tells the gateways to reload every key now (after they were mirrored into a Redis that had lost them).</summary>
    public Task AnnounceAllAsync() => redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), "*");

    /// <summary>Writes the key's record; <paramref name="announce"/> tells the gateways to reload now (a change, not a re-sync).</summary>
    public async Task PublishAsync(ApiKey key, bool announce = true)
    {
        await redis.GetDatabase().HashSetAsync(RedisKeys.ApiKeys, key.SecretHash, JsonSerializer.Serialize(ToRecord(key), ApiKeyJsonContext.Default.ApiKeyRecord));
        _written[key.SecretHash] = true;
        if (announce)
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), key.SecretHash);
        }
    }
}
