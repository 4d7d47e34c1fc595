using System.Net;
using System.Text.Json;
using AspireRouter.Gateway.Latency;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests.Apis;

/// <summary><c>GET /v1/router/status</c> with Redis unreachable: the gateway's own observations, every model and region listed.</summary>
public sealed class RouterStatusApiTests
{
    [Fact]
    public async Task Status_WithoutRedis_ListsEveryModelAndRegion_FromLocalObservations()
    {
        using var factory = new GatewayFactory();
        var tracker = factory.Services.GetRequiredService<LocalLatencyTracker>();
        for (var i = 0; i < 20; i++)
        {
            tracker.Record("qwen-3-8b", "global", TimeSpan.FromMilliseconds(900), success: true);
        }

        tracker.Refresh();
        await factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<SharedLatencyService>().Single().RefreshAsync();

        using var response = await factory.CreateClient().GetAsync(new Uri("/v1/router/status", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("local", json.RootElement.GetProperty("source").GetString());
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Contains(models, m => m.GetProperty("model").GetString() == "glm-5" && m.GetProperty("region").GetString() == "cn");
        var qwen = models.Single(m => m.GetProperty("model").GetString() == "qwen-3-8b" && m.GetProperty("region").GetString() == "global");
        Assert.InRange(qwen.GetProperty("total").GetProperty("p99").GetDouble(), 890, 910);
        Assert.Equal(20, qwen.GetProperty("samples").GetInt64());
        Assert.Equal("closed", qwen.GetProperty("breaker").GetString());
        Assert.Contains("light", qwen.GetProperty("over_budget_in").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task ACoolingEndpoint_SaysWhetherItsCoolDownIsAGuessOrTheProvidersRetryAfter()
    {
        using var factory = new GatewayFactory();
        var breakers = factory.Services.GetRequiredService<AspireRouter.Gateway.Breakers.ICircuitBreakers>();
        await breakers.RecordAsync(await breakers.AdmitAsync("qwen-3-8b", "global"), AspireRouter.Gateway.Breakers.BreakerOutcome.RateLimited);
        await breakers.RecordAsync(await breakers.AdmitAsync("glm-4-9b", "global"), AspireRouter.Gateway.Breakers.BreakerOutcome.RateLimited, TimeSpan.FromSeconds(30));

        using var response = await factory.CreateClient().GetAsync(new Uri("/v1/router/status", UriKind.Relative));

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string Reason(string model) => json.RootElement.GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("model").GetString() == model && m.GetProperty("region").GetString() == "global")
            .GetProperty("breaker_detail").GetProperty("reason").GetString()!;
        Assert.Contains("(a guess: no Retry-After)", Reason("qwen-3-8b"));
        Assert.Equal("rate limited (429), cooling down for 30 s (the provider's Retry-After)", Reason("glm-4-9b"));
    }
}
