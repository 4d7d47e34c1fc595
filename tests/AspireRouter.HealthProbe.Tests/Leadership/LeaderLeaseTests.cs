using System.Diagnostics;
using AspireRouter.Contracts.Redis;
using AspireRouter.HealthProbe.Leadership;
using StackExchange.Redis;

namespace AspireRouter.HealthProbe.Tests.Leadership;

/// <summary>Leader election between probe replicas against a real redis-server.</summary>
[Collection(RedisCollection.Name)]
public sealed class LeaderLeaseTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await redis.Server.ConnectAsync(redis.Server.NextDatabase());

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    private LeaderLease Replica(string id) => new(() => _connection.GetDatabase(), id, Lease, TimeProvider.System);

    [Fact]
    public async Task TwoReplicas_OnlyOneLeads_AndTheLeaderRenews()
    {
        var a = Replica("a");
        var b = Replica("b");

        Assert.True(await a.TryAcquireOrRenewAsync());
        Assert.False(await b.TryAcquireOrRenewAsync());
        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(Lease / 3);
            Assert.True(await a.TryAcquireOrRenewAsync());
            Assert.False(await b.TryAcquireOrRenewAsync());
        }

        Assert.Equal("a", (string?)await _connection.GetDatabase().StringGetAsync(RedisKeys.ProbeLeader));
    }

    [Fact]
    public async Task LeaderDies_WithoutReleasing_StandbyTakesOverWithinTheLeaseTime()
    {
        var leader = Replica("leader");
        var standby = Replica("standby");
        Assert.True(await leader.TryAcquireOrRenewAsync());

        // The leader is killed: it neither renews nor releases. The standby checks every third of the lease, as the worker does.
        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => standby.TryAcquireOrRenewAsync(), "the standby to take over", Lease * 2, Lease / 3);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Lease + (Lease / 3) + TimeSpan.FromMilliseconds(250));
        Assert.True(standby.IsLeader);
        Assert.False(await leader.TryAcquireOrRenewAsync());
        Assert.False(leader.IsLeader);
    }

    [Fact]
    public async Task LeaderReleases_StandbyTakesOverAtOnce()
    {
        var leader = Replica("leader");
        var standby = Replica("standby");
        Assert.True(await leader.TryAcquireOrRenewAsync());

        await leader.ReleaseAsync();

        Assert.False(leader.IsLeader);
        Assert.True(await standby.TryAcquireOrRenewAsync());
    }

    [Fact]
    public async Task Release_ByAFormerLeader_DoesNotDeleteTheNewLease()
    {
        var former = Replica("former");
        var current = Replica("current");
        await _connection.GetDatabase().StringSetAsync(RedisKeys.ProbeLeader, "current", Lease);

        await former.ReleaseAsync();

        Assert.Equal("current", (string?)await _connection.GetDatabase().StringGetAsync(RedisKeys.ProbeLeader));
        Assert.False(await former.TryAcquireOrRenewAsync());
        Assert.True(await current.TryAcquireOrRenewAsync());
    }
}
