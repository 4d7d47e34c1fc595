using System.Net;
using System.Text;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Breakers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>Breakers through the in-process gateway: the stub upstream records which models were called.</summary>
[Collection(RedisCollection.Name)]
public sealed class BreakerGatewayTests(RedisServerFixture redis)
{
    private const string Primary = "qwen-3-8b";

    private static Task<HttpResponseMessage> PostLightAsync(HttpClient client) =>
        client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task PrimaryFailsFiveTimes_ItsSharedBreakerOpens_AndTheNextRequestsSkipIt()
    {
        var database = redis.Server.NextDatabase();
        var logs = new ListLoggerProvider();
        await using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString(database),
            ["CircuitBreaker:RedisTimeout"] = "00:00:02", // a loaded test machine must not push the gateway onto local breakers
        });
        factory.Stub.On(Primary, HttpStatusCode.ServiceUnavailable);
        await using var gateway = factory.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var client = gateway.CreateClient();
        var breakers = gateway.Services.GetRequiredService<ICircuitBreakers>();
        await WaitUntilSharedAsync(breakers);

        // Each fast 503 is retried at once (three times, Gateway:FastFailureRetries): the second request makes the fifth failure.
        var first = await PostLightAsync(client);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("5", Header(first, "X-AspireRouter-Attempts"));
        var second = await PostLightAsync(client);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("2", Header(second, "X-AspireRouter-Attempts")); // the breaker opened on its first failure here

        for (var i = 0; i < 3; i++)
        {
            var response = await PostLightAsync(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
            Assert.Equal("1", Header(response, "X-AspireRouter-Attempts"));
            Assert.Equal("true", Header(response, "X-AspireRouter-Fallback"));
        }

        Assert.Equal(5, factory.Stub.ModelsCalled.Count(m => m == Primary));
        Assert.DoesNotContain(logs.Entries, e => e.Id.Id == 3001);
        await using var connection = await redis.Server.ConnectAsync(database);
        var state = await connection.GetDatabase().HashGetAsync(RedisKeys.Breaker(Primary, "global"), BreakerFields.State);
        Assert.Equal(BreakerStates.Open, state);
        Assert.True(breakers.IsShared);
    }

    [Fact]
    public async Task EveryBreakerOpen_PanicMode_StillTriesTheCandidates_AndSaysSo()
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            // One failure is evidence enough here; the chain stays in the global region.
            ["CircuitBreaker:FailureThreshold"] = "1",
            ["CircuitBreaker:FailureRatio"] = "0.1",
            ["Registry:Categories:light:FallbackToGlobal"] = "false",
        });
        foreach (var model in new[] { Primary, "deepseek-v4-flash", "glm-4-9b" })
        {
            factory.Stub.On(model, HttpStatusCode.ServiceUnavailable);
        }

        var client = factory.CreateClient();
        var first = await PostLightAsync(client);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal("9", Header(first, "X-AspireRouter-Attempts")); // three passes over three candidates, the last two in panic
        Assert.Equal("true", Header(first, "X-AspireRouter-Panic"));
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        Assert.All(new[] { Primary, "deepseek-v4-flash", "glm-4-9b" }, m => Assert.Equal(BreakerState.Open, breakers.StatusOf(m).State));

        // The last model of the chain recovers while every breaker is still open: the request finds it.
        factory.Stub.On("glm-4-9b", (_, _) => Task.FromResult(StubProvider.Completion("glm-4-9b")));
        var response = await PostLightAsync(client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("glm-4-9b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("true", Header(response, "X-AspireRouter-Panic"));
        Assert.Contains("panic", Header(response, "X-AspireRouter-Route-Reason"));
        Assert.Equal(BreakerState.Open, breakers.StatusOf(Primary).State); // a panic attempt does not extend or close it
    }

    [Fact]
    public async Task ProviderClientErrors_DoNotOpenTheBreaker()
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string> { ["CircuitBreaker:FailureThreshold"] = "1" });
        factory.Stub.On(Primary, HttpStatusCode.BadRequest, """{"error":{"message":"bad","type":"invalid_request_error","param":null,"code":null}}""");
        var client = factory.CreateClient();

        await PostLightAsync(client);
        await PostLightAsync(client);

        Assert.Equal(2, factory.Stub.ModelsCalled.Count(m => m == Primary));
        Assert.Equal(BreakerState.Closed, factory.Services.GetRequiredService<ICircuitBreakers>().StatusOf(Primary).State);
    }

    private static Task WaitUntilSharedAsync(ICircuitBreakers breakers) =>
        Eventually.TrueAsync(() => breakers.IsShared, "the gateway's breakers to reach Redis", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(50));
}
