using System.Net.Http.Json;
using AspireRouter.Contracts.Latency;
using AspireRouter.Gateway.Latency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireRouter.Gateway.Tests.Latency;

/// <summary>The gateway against a real redis-server: summaries written by another writer (the probe) steer its routing.</summary>
[Collection(RedisCollection.Name)]
public sealed class SharedLatencyTests(RedisServerFixture redis)
{
    private GatewayFactory Gateway(int database) => new(new Dictionary<string, string>
    {
        ["ConnectionStrings:redis"] = redis.Server.ConnectionString(database),
    });

    private static SharedLatencyService Service(GatewayFactory factory) =>
        factory.Services.GetServices<IHostedService>().OfType<SharedLatencyService>().Single();

    private static async Task<string> LightModelAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "light", messages = new[] { new { role = "user", content = "hi" } } });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("X-AspireRouter-Model").Single();
    }

    [Fact]
    public async Task SlowSummaryInRedis_FromAnotherWriter_DemotesTheModel_OnTheNextRefresh()
    {
        using var factory = Gateway(redis.Server.NextDatabase());
        var client = factory.CreateClient();
        Assert.Equal("qwen-3-8b", await LightModelAsync(client));

        // Another writer (the health probe) shares 20 slow totals of qwen-3-8b: p99 900 ms, over light's 500 ms budget.
        var probe = new LatencySampleBatch(factory.Services.GetRequiredService<LatencyWindow>(), TimeProvider.System);
        for (var i = 0; i < 20; i++)
        {
            probe.Record("qwen-3-8b", "global", LatencyMetric.Total, TimeSpan.FromMilliseconds(900));
        }

        await factory.Services.GetRequiredService<LatencySummaryStore>().WriteAsync(probe.Drain());
        await Service(factory).RefreshAsync();

        var view = factory.Services.GetRequiredService<SharedLatencyView>();
        Assert.Equal(LatencySource.Shared, view.Snapshot.Source);
        Assert.InRange(view.Get("qwen-3-8b", "global")!.P99.TotalMilliseconds, 890, 910);
        Assert.NotEqual("qwen-3-8b", await LightModelAsync(client));
    }

    [Fact]
    public async Task GatewaySamples_AreFlushedToRedis_AndReadBackByAnotherGateway()
    {
        var database = redis.Server.NextDatabase();
        using var first = Gateway(database);
        using var second = Gateway(database);
        var client = first.CreateClient();
        for (var i = 0; i < 12; i++)
        {
            await LightModelAsync(client);
        }

        await Service(first).RefreshAsync();
        await Service(second).RefreshAsync();

        var stats = second.Services.GetRequiredService<SharedLatencyView>().Get("qwen-3-8b", "global");
        Assert.NotNull(stats);
        Assert.True(stats.Samples >= 12, $"{stats.Samples} samples");
    }
}
