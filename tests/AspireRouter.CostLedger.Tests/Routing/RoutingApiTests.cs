using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Routing;

/// <summary><c>/v1/routing</c> reads what the gateways and the probe wrote to Redis, under the Contracts' key names.</summary>
[Collection(LedgerCollection.Name)]
public sealed class RoutingApiTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task Routing_ShowsLatencyBreakersCoolDownsAndProbes_ForEveryModelAndRegion()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure);
        var now = DateTimeOffset.UtcNow;
        var store = new LatencySummaryStore(() => harness.Redis, LatencyWindow.Default, TimeProvider.System);
        var summary = new LatencySummary { Errors = 1 };
        for (var i = 0; i < 99; i++)
        {
            summary[LatencyMetric.Total].Record(TimeSpan.FromMilliseconds(100));
        }

        await store.WriteAsync(new Dictionary<(string, string, long), LatencySummary> { [("glm-5", "cn", LatencyWindow.Default.SliceOf(now))] = summary });
        await store.MarkProbedAsync("glm-5", "cn", now);
        var ms = now.ToUnixTimeMilliseconds();
        await harness.Redis.HashSetAsync(RedisKeys.Breaker("glm-5", "global"), [new(BreakerFields.State, BreakerStates.Open), new(BreakerFields.OpenUntil, ms + 30_000)]);
        await harness.Redis.HashSetAsync(RedisKeys.Breaker("qwen-3-8b", "cn"), [new(BreakerFields.CoolUntil, ms + 30_000)]);
        await harness.Redis.HashSetAsync(RedisKeys.Breaker("qwen-3-8b", "global"), [new(BreakerFields.CoolUntil, ms - 1_000)]); // over
        var client = harness.StartLedger();

        using var json = await client.GetFromJsonAsync<JsonDocument>("/v1/routing");
        var models = json!.RootElement.GetProperty("models").EnumerateArray()
            .ToDictionary(m => $"{m.GetProperty("model").GetString()}@{m.GetProperty("region").GetString()}");
        Assert.Equal(20, models.Count); // every registry model in each of its regions

        var measured = models["glm-5@cn"];
        Assert.InRange(measured.GetProperty("p50Ms").GetDouble(), 95, 105);
        Assert.InRange(measured.GetProperty("p99Ms").GetDouble(), 95, 105);
        Assert.Equal(99, measured.GetProperty("samples").GetInt64());
        Assert.Equal(0.01, measured.GetProperty("errorRate").GetDouble());
        Assert.Equal(now.ToUnixTimeMilliseconds(), measured.GetProperty("lastProbe").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("closed", measured.GetProperty("breaker").GetString());

        Assert.Equal("open", models["glm-5@global"].GetProperty("breaker").GetString());
        Assert.Equal(ms + 30_000, models["glm-5@global"].GetProperty("openUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Equal("cooling_down", models["qwen-3-8b@cn"].GetProperty("breaker").GetString());
        Assert.Equal("closed", models["qwen-3-8b@global"].GetProperty("breaker").GetString());
        Assert.Equal(JsonValueKind.Null, models["qwen-3-8b@global"].GetProperty("coolingUntil").ValueKind);
        Assert.Equal(JsonValueKind.Null, models["deepseek-r1@cn"].GetProperty("p50Ms").ValueKind);
    }

    [Fact]
    public async Task Routing_AndConsoleSession_FollowTheReportKeys()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Admin:Key"] = "routing-admin-key-0123456789",
            ["Admin:AllowAnonymousReports"] = "false",
        });
        var client = harness.StartLedger();

        using var refused = await client.GetAsync(new Uri("/v1/routing", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // The console's session never answers 401 (the page asks it before it has a key): it says who the key is.
        using var anonymous = await client.GetFromJsonAsync<JsonDocument>("/console/session");
        Assert.False(anonymous!.RootElement.GetProperty("signedIn").GetBoolean());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/console/session");
        request.Headers.Authorization = new("Bearer", "routing-admin-key-0123456789");
        using var admin = await client.SendAsync(request);
        using var adminJson = JsonDocument.Parse(await admin.Content.ReadAsStringAsync());
        Assert.True(adminJson.RootElement.GetProperty("signedIn").GetBoolean());
        Assert.True(adminJson.RootElement.GetProperty("allTeams").GetBoolean());
    }
}
