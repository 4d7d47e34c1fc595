using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Breakers;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>Two gateway instances (two <see cref="CircuitBreakers"/>, two connections) sharing one Redis.</summary>
[Collection(RedisCollection.Name)]
public sealed class SharedBreakerTests(RedisServerFixture redis) : IAsyncLifetime
{
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = BreakerTestKit.Clock();
    private readonly List<IConnectionMultiplexer> _connections = [];
    private int _database;
    private CircuitBreakers _a = null!;
    private CircuitBreakers _b = null!;

    public async Task InitializeAsync()
    {
        _database = redis.Server.NextDatabase();
        _a = await InstanceAsync();
        _b = await InstanceAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private async Task<CircuitBreakers> InstanceAsync()
    {
        var connection = await redis.Server.ConnectAsync(_database);
        _connections.Add(connection);
        var breakers = BreakerTestKit.Create(_time, () => connection);
        await breakers.SyncAsync(CancellationToken.None);
        Assert.True(breakers.IsShared);
        return breakers;
    }

    private async Task SyncBothAsync()
    {
        await _a.SyncAsync(CancellationToken.None);
        await _b.SyncAsync(CancellationToken.None);
    }

    [Fact]
    public async Task FailuresRecordedByA_OpenTheBreaker_AndBSeesItOpenAfterItsSync()
    {
        await _a.FailAsync(5);

        Assert.True((await _b.AdmitAsync()).Allowed); // B's snapshot is up to a sync interval behind
        await _b.SyncAsync(CancellationToken.None);

        var admission = await _b.AdmitAsync();
        Assert.False(admission.Allowed);
        Assert.Equal(_time.GetUtcNow().AddSeconds(30), admission.OpenUntil);

        var hash = await _connections[0].GetDatabase().HashGetAllAsync(RedisKeys.Breaker(BreakerTestKit.Model, BreakerTestKit.Region));
        Assert.Equal(BreakerStates.Open, hash.Single(e => e.Name == BreakerFields.State).Value);
    }

    [Fact]
    public async Task FailuresOfBothInstances_AddUp()
    {
        await _a.FailAsync(3);
        await _b.FailAsync(2);

        Assert.Equal(BreakerState.Open, _b.StatusOf().State);
        await _a.SyncAsync(CancellationToken.None);
        Assert.False((await _a.AdmitAsync()).Allowed);
    }

    [Fact]
    public async Task HalfOpenTrials_AreLimitedAcrossBothInstances()
    {
        await _a.FailAsync(5);
        await SyncBothAsync();
        _time.Advance(TimeSpan.FromSeconds(30));

        var trialOfA = await _a.AdmitAsync();
        var trialOfB = await _b.AdmitAsync();
        var thirdFromB = await _b.AdmitAsync();
        var thirdFromA = await _a.AdmitAsync();

        Assert.True(trialOfA.IsTrial);
        Assert.True(trialOfB.IsTrial);
        Assert.False(thirdFromB.Allowed);
        Assert.False(thirdFromA.Allowed);
        await SyncBothAsync();
        Assert.Equal(2, _a.StatusOf().TrialsInFlight);
        Assert.Equal(2, _b.StatusOf().TrialsInFlight);

        await _a.RecordAsync(trialOfA, BreakerOutcome.Success);
        await _b.SyncAsync(CancellationToken.None);
        Assert.True((await _b.AdmitAsync()).IsTrial); // the slot A freed
    }

    [Fact]
    public async Task Recovery_IsSeenByBothInstances()
    {
        await _a.FailAsync(5);
        await SyncBothAsync();
        _time.Advance(TimeSpan.FromSeconds(30));

        var a1 = await _a.AdmitAsync();
        var b1 = await _b.AdmitAsync();
        await _a.RecordAsync(a1, BreakerOutcome.Success);
        await _b.RecordAsync(b1, BreakerOutcome.Success);
        var b2 = await _b.AdmitAsync();
        await _b.RecordAsync(b2, BreakerOutcome.Success);

        Assert.Equal(BreakerState.Closed, _b.StatusOf().State);
        Assert.Equal(BreakerState.HalfOpen, _a.StatusOf().State);
        await _a.SyncAsync(CancellationToken.None);
        Assert.Equal(BreakerState.Closed, _a.StatusOf().State);
        var next = await _a.AdmitAsync();
        Assert.True(next.Allowed);
        Assert.False(next.IsTrial);
    }

    [Fact]
    public async Task FailedTrialOnB_ReopensTheBreakerForA()
    {
        await _a.FailAsync(5);
        _time.Advance(TimeSpan.FromSeconds(30));
        await SyncBothAsync();

        var trial = await _b.AdmitAsync();
        await _b.RecordAsync(trial, BreakerOutcome.Failure);
        await _a.SyncAsync(CancellationToken.None);

        var admission = await _a.AdmitAsync();
        Assert.False(admission.Allowed);
        Assert.Equal(_time.GetUtcNow().AddSeconds(60), admission.OpenUntil);
    }

    [Fact]
    public async Task SuccessesOfAFullWindow_StayLocalUntilTheSync()
    {
        var key = RedisKeys.Breaker(BreakerTestKit.Model, BreakerTestKit.Region);
        var database = _connections[0].GetDatabase();
        await _a.SucceedAsync(20); // a young window: each success is written at once
        Assert.Equal(20, await SuccessesAsync());

        await _a.SucceedAsync(7);
        Assert.Equal(20, await SuccessesAsync()); // no Redis call per success once the window holds enough

        await _a.SyncAsync(CancellationToken.None);
        Assert.Equal(27, await SuccessesAsync());

        async Task<long> SuccessesAsync() => (await database.HashGetAllAsync(key))
            .Where(e => ((string)e.Name!).StartsWith(BreakerFields.SuccessesPrefix, StringComparison.Ordinal)).Sum(e => (long)e.Value);
    }

    [Fact]
    public async Task ACoolDownSetByA_IsHonouredByB_AfterItsSync()
    {
        var admission = await _a.AdmitAsync();
        await _a.RecordAsync(admission, BreakerOutcome.RateLimited, TimeSpan.FromSeconds(10));
        Assert.False((await _a.AdmitAsync()).Allowed);

        await _b.SyncAsync(CancellationToken.None);

        var denied = await _b.AdmitAsync();
        Assert.False(denied.Allowed);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), denied.CoolUntil);
        Assert.Equal(BreakerState.Closed, _b.StatusOf().State);
    }
}
