using System.Globalization;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Breakers;

/// <summary>
/// Breakers in Redis, one hash per breaker (<see cref="Contracts.Redis.RedisKeys.Breaker"/>), changed only by
/// <c>breaker.lua</c> so every transition is atomic across instances. The time of each step is the gateway's clock,
/// passed as an argument, never Redis <c>TIME</c>.
/// </summary>
internal sealed class RedisBreakerStore(Func<IConnectionMultiplexer> connect, BreakerSettings settings, TimeSpan timeout, TimeProvider time)
    : IBreakerStore
{
    private static readonly string Script = LoadScript();

    private readonly RedisValue[] _settings =
    [
        settings.FailureThreshold,
        settings.FailureRatio.ToString("R", CultureInfo.InvariantCulture),
        settings.Confidence.ToString("R", CultureInfo.InvariantCulture),
        settings.BucketMs,
        settings.Buckets,
        settings.OpenMs,
        settings.MaxOpenMs,
        settings.MaxConcurrentTrials,
        settings.SuccessesToClose,
        settings.LeaseMs,
        settings.TtlMs,
    ];

    private IConnectionMultiplexer? _connection;

    /// <summary>Connected now; calls made while this is false would only wait for a timeout.</summary>
    public bool IsConnected => _connection?.IsConnected == true;

    /// <summary>
    /// Creates the connection on first use (off the request path: connecting can block for its connect timeout) and
    /// says whether it is up. Throws when the connection cannot be created (no connection string, bad configuration).
    /// </summary>
    public async Task<bool> ConnectAsync(CancellationToken cancellationToken)
    {
        _connection ??= await Task.Run(connect, cancellationToken);
        return _connection.IsConnected;
    }

    public async Task<BreakerStep> ExecuteAsync(BreakerKey key, BreakerOp op, BreakerArgs args, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        RedisValue[] argv = [OpName(op), nowMs, args.Permit, args.Successes, args.CoolUntil, args.Told ? 1 : 0, args.InFlight, .. _settings];
        var result = await Database().ScriptEvaluateAsync(Script, [key.RedisKey], argv).WaitAsync(timeout, time);
        var items = (RedisResult[])result!;
        var fields = new List<KeyValuePair<string, string>>((items.Length - 4) / 2);
        for (var i = 4; i + 1 < items.Length; i += 2)
        {
            fields.Add(new((string)items[i]!, (string)items[i + 1]!));
        }

        var status = BreakerRecord.Parse(fields).ToStatus(key, nowMs, settings);
        return new BreakerStep((long)items[0] == 1, (long)items[1], BreakerRecord.ParseState((string?)items[2]), status);
    }

    public async Task<IReadOnlyList<BreakerStatus>> ReadAsync(IReadOnlyCollection<BreakerKey> keys, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var database = Database();
        var reads = keys.Select(key => (Key: key, Hash: database.HashGetAllAsync(key.RedisKey))).ToList();
        await Task.WhenAll(reads.Select(r => r.Hash)).WaitAsync(timeout, time);
        return [.. reads.Select(r => BreakerRecord
            .Parse(r.Hash.Result.Select(e => new KeyValuePair<string, string>(e.Name!, e.Value!)))
            .ToStatus(r.Key, nowMs, settings))];
    }

    /// <summary>Deletes the breaker's hash (an operator's reset): the next step starts it again, closed, at version 0.</summary>
    public async Task DeleteAsync(BreakerKey key) =>
        await Database().KeyDeleteAsync(key.RedisKey).WaitAsync(timeout, time);

    private IDatabase Database() =>
        _connection?.GetDatabase() ?? throw new InvalidOperationException("Redis is not connected yet.");

    private static string OpName(BreakerOp op) => op switch
    {
        BreakerOp.Admit => "admit",
        BreakerOp.Success => "success",
        BreakerOp.Failure => "failure",
        BreakerOp.Release => "release",
        BreakerOp.Throttled => "throttled",
        _ => "tally",
    };

    private static string LoadScript()
    {
        using var stream = typeof(RedisBreakerStore).Assembly.GetManifestResourceStream("AspireRouter.Gateway.Breakers.breaker.lua")
            ?? throw new InvalidOperationException("The breaker Lua script is not embedded in the gateway assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
