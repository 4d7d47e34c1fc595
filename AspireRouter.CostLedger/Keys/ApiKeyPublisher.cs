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

    /// <summary>Writes the key's record; <paramref name="announce"/> tells the gateways to reload now (a change, not a re-sync).</summary>
    public async Task PublishAsync(ApiKey key, bool announce = true)
    {
        await redis.GetDatabase().HashSetAsync(RedisKeys.ApiKeys, key.SecretHash, JsonSerializer.Serialize(ToRecord(key), ApiKeyJsonContext.Default.ApiKeyRecord));
        if (announce)
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), key.SecretHash);
        }
    }
}
