using System.Collections.Frozen;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// The gateway's copy of the virtual keys in <see cref="RedisKeys.ApiKeys"/>: reloaded every
/// <see cref="ApiKeyOptions.RefreshInterval"/> (and at once when a change is announced), so checking a known key never
/// waits on Redis. A key not in the copy costs one <c>HGET</c>.
/// <para>
/// The copy is the last good snapshot, updated by what Redis holds and never emptied by what it lacks: the ledger
/// withdraws a key only by writing it with its revocation time, never by deleting it, so a key missing from Redis has
/// been lost (a flush, a restart without persistence) and keeps working until the ledger mirrors it again. When Redis
/// is down, or holds no keys at all while this gateway knows some, a key not in the copy cannot be told apart from one
/// issued since the last reload: 503 <c>auth_unavailable</c>, which SDKs retry, never a 401, which they do not.
/// </para>
/// </summary>
public sealed partial class ApiKeyStore(Func<IConnectionMultiplexer> connect, IOptionsMonitor<ApiKeyOptions> options, ILogger<ApiKeyStore> logger)
{
    private volatile FrozenDictionary<string, ApiKeyRecord> _keys = FrozenDictionary<string, ApiKeyRecord>.Empty;
    private bool _keysMissing;

    /// <summary>Result of a lookup: the record (null when unknown or revoked), or whether the store could not be asked.</summary>
    public readonly record struct Lookup(ApiKeyRecord? Record, bool Unavailable);

    public async ValueTask<Lookup> FindAsync(string secret)
    {
        var hash = ApiKeySecrets.Hash(secret);
        var keys = _keys;
        if (keys.TryGetValue(hash, out var cached))
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

            var database = connection.GetDatabase();
            var get = database.HashGetAsync(RedisKeys.ApiKeys, hash);
            // Pipelined with the lookup: whether Redis holds any key at all, when this gateway knows some.
            var exists = keys.Count > 0 ? database.KeyExistsAsync(RedisKeys.ApiKeys) : Task.FromResult(true);
            await Task.WhenAll(get, exists).WaitAsync(options.CurrentValue.RedisTimeout);
            var record = Parse(get.Result);
            if (record is null && !exists.Result)
            {
                return new Lookup(null, true); // Redis lost the keys: this one may be valid, the ledger will tell soon
            }

            return new Lookup(record is { RevokedAt: null } ? record : null, false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new Lookup(null, true);
        }
    }

    /// <summary>Whether the copy holds <paramref name="secret"/>'s key (revoked or not): it is then checked without Redis.</summary>
    internal bool Holds(string secret) => _keys.ContainsKey(ApiKeySecrets.Hash(secret));

    /// <summary>
    /// Reloads the copy: every record Redis holds replaces the cached one; a cached key Redis does not hold is kept.
    /// On failure the copy is kept as it is.
    /// </summary>
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
            var current = _keys;
            if (entries.Length == 0 && current.Count > 0)
            {
                if (!_keysMissing)
                {
                    _keysMissing = true;
                    LogKeysMissing(logger, current.Count);
                }

                return;
            }

            _keysMissing = false;
            var keys = new Dictionary<string, ApiKeyRecord>(current, StringComparer.Ordinal);
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

    [LoggerMessage(4302, LogLevel.Warning, "An API key record in Redis is not valid JSON; the last good copy of that key, if any, is kept.")]
    private static partial void LogBadRecord(ILogger logger);

    [LoggerMessage(4303, LogLevel.Warning, "Redis holds no API keys (flushed or restarted empty); keeping the {Count} cached keys until the ledger mirrors them again. Keys not cached meanwhile get 503 auth_unavailable.")]
    private static partial void LogKeysMissing(ILogger logger, int count);
}
