using AspireRouter.Gateway.Breakers;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>Redis unreachable from the start, or gone mid-way and back: local breakers, no exception, one log line.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisOutageTests
{
    private const int RedisUnreachable = 3001;
    private const int Shared = 3002;

    [Fact]
    public async Task RedisOnAClosedPort_LocalBreakersKeepWorking_AndItIsLoggedOnce()
    {
        var time = BreakerTestKit.Clock();
        var logger = new ListLogger<CircuitBreakers>();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            $"127.0.0.1:{RedisServer.FreePort()},abortConnect=false,connectTimeout=200");
        var breakers = BreakerTestKit.Create(time, () => connection, logger: logger);

        for (var i = 0; i < 3; i++)
        {
            await breakers.SyncAsync(CancellationToken.None);
        }

        await breakers.FailAsync(5);
        await breakers.SyncAsync(CancellationToken.None);

        Assert.False(breakers.IsShared);
        Assert.False((await breakers.AdmitAsync()).Allowed);
        time.Advance(TimeSpan.FromSeconds(30));
        var trial = await breakers.AdmitAsync();
        Assert.True(trial.IsTrial);
        await breakers.RecordAsync(trial, BreakerOutcome.Success);
        Assert.Equal(1, logger.Count(RedisUnreachable));
        Assert.Equal(0, logger.Count(Shared));
    }

    [Fact]
    public async Task NoRedisConfigured_LocalBreakersKeepWorking()
    {
        var logger = new ListLogger<CircuitBreakers>();
        var breakers = BreakerTestKit.Local(BreakerTestKit.Clock(), logger: logger);

        await breakers.SyncAsync(CancellationToken.None);
        await breakers.FailAsync(5);
        await breakers.SyncAsync(CancellationToken.None);

        Assert.Equal(BreakerState.Open, breakers.StatusOf().State);
        Assert.Equal(1, logger.Count(RedisUnreachable));
    }

    [Fact]
    public async Task RedisStopsMidWay_BreakersGoLocalFromTheLastSnapshot_ThenSharedAgainWhenItReturns()
    {
        await using var server = await RedisServer.StartAsync();
        var time = BreakerTestKit.Clock();
        var logger = new ListLogger<CircuitBreakers>();
        await using var connectionA = await server.ConnectAsync(1);
        await using var connectionB = await server.ConnectAsync(1);
        var a = BreakerTestKit.Create(time, () => connectionA, logger: logger);
        var loggerB = new ListLogger<CircuitBreakers>();
        var b = BreakerTestKit.Create(time, () => connectionB, logger: loggerB);
        await a.SyncAsync(CancellationToken.None);
        await b.SyncAsync(CancellationToken.None);
        await a.FailAsync(5, "glm-5");
        Assert.True(a.IsShared);

        await server.StopAsync();

        // Every call keeps working: the open breaker stays open, new failures count locally.
        await a.FailAsync(5, "deepseek-v4-flash");
        await a.SyncAsync(CancellationToken.None);
        await b.SyncAsync(CancellationToken.None);
        Assert.False(a.IsShared);
        Assert.False(b.IsShared);
        Assert.False((await a.AdmitAsync("glm-5")).Allowed);
        Assert.False((await a.AdmitAsync("deepseek-v4-flash")).Allowed);
        Assert.Equal(1, logger.Count(RedisUnreachable));

        await server.RestartAsync(); // same port, empty: the breakers start closed again
        await WaitUntilSharedAsync(a);
        await WaitUntilSharedAsync(b);

        await b.FailAsync(5, "kimi-k2-5");
        await a.SyncAsync(CancellationToken.None);
        Assert.False((await a.AdmitAsync("kimi-k2-5")).Allowed);
        Assert.Equal(1, logger.Count(RedisUnreachable));
        Assert.Equal(1, loggerB.Count(RedisUnreachable));
        Assert.Equal(2, logger.Count(Shared)); // at start and on return
    }

    private static Task WaitUntilSharedAsync(CircuitBreakers breakers) =>
        Eventually.TrueAsync(async () =>
        {
            if (!breakers.IsShared)
            {
                await breakers.SyncAsync(CancellationToken.None);
            }

            return breakers.IsShared;
        }, "the breakers to go back to Redis after its return", TimeSpan.FromSeconds(30));
}
