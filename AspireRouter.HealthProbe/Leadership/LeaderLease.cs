using AspireRouter.Contracts.Redis;
using StackExchange.Redis;

namespace AspireRouter.HealthProbe.Leadership;

/// <summary>
/// One leader among the probe replicas through a Redis lease: <c>SET ar:probe:leader {id} NX PX {lease}</c> to take it,
/// a Lua compare-and-extend to renew it, a compare-and-delete to release it. A leader that dies stops renewing and its
/// lease expires after <paramref name="leaseTime"/>; a standby's next attempt then takes it.
/// </summary>
public sealed class LeaderLease(Func<IDatabase> database, string holderId, TimeSpan leaseTime, TimeProvider time)
{
    private const string AcquireOrRenewScript = """
        local holder = redis.call('GET', KEYS[1])
        if holder == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        if not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        return 0
        """;

    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private long _heldUntil = long.MinValue;

    public string HolderId => holderId;

    public TimeSpan LeaseTime => leaseTime;

    /// <summary>
    /// True while the last successful acquire or renew is younger than the lease. Measured from before the call was sent,
    /// so this replica stops acting as leader no later than Redis lets the lease expire.
    /// </summary>
    public bool IsLeader => time.GetTimestamp() < Interlocked.Read(ref _heldUntil);

    /// <summary>Takes the lease if free, extends it if held by this replica; false when another replica holds it.</summary>
    public async Task<bool> TryAcquireOrRenewAsync()
    {
        var sentAt = time.GetTimestamp();
        var result = (long)await database().ScriptEvaluateAsync(AcquireOrRenewScript,
            [RedisKeys.ProbeLeader], [holderId, (long)leaseTime.TotalMilliseconds]);
        Interlocked.Exchange(ref _heldUntil, result == 1
            ? sentAt + (long)(leaseTime.TotalSeconds * time.TimestampFrequency)
            : long.MinValue);
        return result == 1;
    }

    /// <summary>Gives the lease up (only if still held by this replica) so a standby takes over without waiting for expiry.</summary>
    public async Task ReleaseAsync()
    {
        Interlocked.Exchange(ref _heldUntil, long.MinValue);
        await database().ScriptEvaluateAsync(ReleaseScript, [RedisKeys.ProbeLeader], [holderId]);
    }
}
