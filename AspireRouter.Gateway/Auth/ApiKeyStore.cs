using System.Collections.Frozen;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// The gateway's copy of the virtual keys in <see cref="RedisKeys.ApiKeys"/>: reloaded whole every
/// <see cref="ApiKeyOptions.RefreshInterval"/> (and at once when a change is announced), so checking a known key never
/// waits on Redis. A key not in the copy costs one <c>HGET</c>. When Redis is down, cached keys keep working (the
/// copy is kept) and an unknown key gets a 503: it cannot be told apart from a key issued since the last reload.
/// </summary>
public sealed partial class ApiKeyStore(Func<IConnectionMultiplexer> connect, IOptionsMonitor<ApiKeyOptions> options, ILogger<ApiKeyStore> logger)
{
    private volatile FrozenDictionary<string, ApiKeyRecord> _keys = FrozenDictionary<string, ApiKeyRecord>.Empty;

    /// <summary>Result of a lookup: the record (null when unknown or revoked), or whether the store could not be asked.</summary>
    public readonly record struct Lookup(ApiKeyRecord? Record, bool Unavailable);

    public async ValueTask<Lookup> FindAsync(string secret)
    {
        var hash = ApiKeySecrets.Hash(secret);
        if (_keys.TryGetValue(hash, out var cached))
        {
            return new Lookup(cached.RevokedAt is null ? cached : null, false);
        }

        try
        {
            var connection = connect();
            if (!connection.IsConnected)
            {
                return new Lookup(null, true);
            }

            var value = await connection.GetDatabase().HashGetAsync(RedisKeys.ApiKeys, hash).WaitAsync(options.CurrentValue.RedisTimeout);
            var record = Parse(value);
            return new Lookup(record is { RevokedAt: null } ? record : null, false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new Lookup(null, true);
        }
    }

    /// <summary>Reloads the whole copy; on failure the last copy is kept.</summary>
    public async Task RefreshAsync()
    {
        try
        {
            var connection = connect();
            if (!connection.IsConnected)
            {
                return;
            }

            var entries = await connection.GetDatabase().HashGetAllAsync(RedisKeys.ApiKeys).WaitAsync(options.CurrentValue.RedisTimeout * 4);
            var keys = new Dictionary<string, ApiKeyRecord>(entries.Length, StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                if (Parse(entry.Value) is { } record)
                {
                    keys[entry.Name!] = record;
                }
            }

            _keys = keys.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogRefreshFailed(logger, ex.GetType().Name, _keys.Count);
        }
    }

    private ApiKeyRecord? Parse(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize((string)value!, ApiKeyJsonContext.Default.ApiKeyRecord);
        }
        catch (JsonException)
        {
            LogBadRecord(logger);
            return null;
        }
    }

    [LoggerMessage(4301, LogLevel.Warning, "Could not reload the API keys from Redis ({Failure}); keeping the {Count} cached keys.")]
    private static partial void LogRefreshFailed(ILogger logger, string failure, int count);

    [LoggerMessage(4302, LogLevel.Warning, "An API key record in Redis is not valid JSON; that key is refused.")]
    private static partial void LogBadRecord(ILogger logger);
}
