using System.Net;
using System.Text.Json;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Breakers;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>An operator's reset of a breaker, shared through real Redis, and the admin route that does it.</summary>
[Collection(RedisCollection.Name)]
public sealed class BreakerResetTests(RedisServerFixture redis)
{
    private const string AdminKey = "test-admin-key";

    [Fact]
    public async Task Reset_OfAnOpenBreaker_ClosesItForEveryInstance()
    {
        var time = BreakerTestKit.Clock();
        var database = redis.Server.NextDatabase();
        await using var connectionA = await redis.Server.ConnectAsync(database);
        await using var connectionB = await redis.Server.ConnectAsync(database);
        var a = BreakerTestKit.Create(time, () => connectionA);
        var b = BreakerTestKit.Create(time, () => connectionB);
        await a.SyncAsync(CancellationToken.None);
        await b.SyncAsync(CancellationToken.None);
        await a.FailAsync(5);
        await b.SyncAsync(CancellationToken.None);
        Assert.False((await b.AdmitAsync()).Allowed);

        var (before, shared) = await a.ResetAsync(BreakerTestKit.Model, BreakerTestKit.Region);

        Assert.Equal(BreakerState.Open, before.State);
        Assert.True(shared);
        Assert.False(await connectionA.GetDatabase().KeyExistsAsync(RedisKeys.Breaker(BreakerTestKit.Model, BreakerTestKit.Region)));
        Assert.Equal(BreakerState.Closed, a.StatusOf().State);
        Assert.Equal(0, a.StatusOf().WindowFailures);
        await b.SyncAsync(CancellationToken.None);
        Assert.True((await b.AdmitAsync()).Allowed);

        // The window starts empty: one more failure does not reopen it.
        await b.FailAsync(1);
        Assert.Equal(BreakerState.Closed, b.StatusOf().State);
    }

    [Fact]
    public async Task AdminRoute_WithTheAdminKey_ResetsEveryRegionOfTheModel()
    {
        var database = redis.Server.NextDatabase();
        using var factory = Factory(database);
        using var client = factory.CreateClient();
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        await Eventually.TrueAsync(() => breakers.IsShared, "breakers shared through Redis", TimeSpan.FromSeconds(20));
        await breakers.FailAsync(5);
        Assert.Equal(BreakerState.Open, breakers.StatusOf(BreakerTestKit.Model, BreakerTestKit.Region).State);

        using var response = await client.SendAsync(Reset($"/v1/admin/breakers/{BreakerTestKit.Model}/reset", AdminKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var resets = json.RootElement.GetProperty("resets").EnumerateArray().ToList();
        var global = resets.Single(r => r.GetProperty("region").GetString() == BreakerTestKit.Region);
        Assert.Equal("open", global.GetProperty("was").GetString());
        Assert.True(global.GetProperty("shared").GetBoolean());
        Assert.Equal(BreakerState.Closed, breakers.StatusOf(BreakerTestKit.Model, BreakerTestKit.Region).State);
        await using var connection = await redis.Server.ConnectAsync(database);
        Assert.False(await connection.GetDatabase().KeyExistsAsync(RedisKeys.Breaker(BreakerTestKit.Model, BreakerTestKit.Region)));
    }

    [Theory]
    [InlineData("/v1/admin/breakers/qwen-3-8b/reset", null, HttpStatusCode.Unauthorized, "invalid_api_key")]
    [InlineData("/v1/admin/breakers/qwen-3-8b/reset", "local-dev", HttpStatusCode.Unauthorized, "invalid_api_key")]
    [InlineData("/v1/admin/breakers/no-such-model/reset", AdminKey, HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("/v1/admin/breakers/qwen-3-8b/reset?region=mars", AdminKey, HttpStatusCode.BadRequest, "invalid_region")]
    public async Task AdminRoute_RefusesWithOpenAiErrors(string path, string? key, HttpStatusCode status, string code)
    {
        using var factory = Factory(redis.Server.NextDatabase());

        using var response = await factory.CreateClient().SendAsync(Reset(path, key));

        Assert.Equal(status, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    private GatewayFactory Factory(int database) => new(new Dictionary<string, string>
    {
        ["ConnectionStrings:redis"] = redis.Server.ConnectionString(database),
        ["Gateway:Auth:AdminKey"] = AdminKey,
        ["Gateway:Auth:DevelopmentKey"] = "local-dev",
    });

    private static HttpRequestMessage Reset(string path, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        return request;
    }
}
