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
}
