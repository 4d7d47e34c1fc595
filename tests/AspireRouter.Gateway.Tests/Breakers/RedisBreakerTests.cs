using AspireRouter.Gateway.Breakers;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>The scenarios on Redis: the Lua script, with the gateway's (fake) clock passed to it.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBreakerTests(RedisServerFixture redis) : BreakerScenarios, IAsyncLifetime
{
    private readonly List<ConnectionMultiplexer> _connections = [];

    private protected override async Task<CircuitBreakers> CreateAsync(CircuitBreakerOptions? options = null)
    {
        var connection = await redis.Server.ConnectAsync(redis.Server.NextDatabase());
        _connections.Add(connection);
        var breakers = BreakerTestKit.Create(Time, () => connection, options);
        await breakers.SyncAsync(CancellationToken.None);
        Assert.True(breakers.IsShared);
        return breakers;
    }

    private protected override void AssertStore(CircuitBreakers breakers) => Assert.True(breakers.IsShared);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }
}
