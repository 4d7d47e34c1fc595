using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Apis;

public sealed class AdminApiTests : IClassFixture<SimulatorFactory>, IAsyncLifetime
{
    private readonly HttpClient _client;

    public AdminApiTests(SimulatorFactory factory) => _client = factory.CreateAuthorizedClient();

    public async Task InitializeAsync()
    {
        (await _client.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
        (await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.01 })).EnsureSuccessStatusCode();
        (await _client.DeleteAsync("/admin/requests")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Faults_SetThenGet_ShowsTheFaultWithDefaultsFilledIn()
    {
        await _client.PutJsonAsync("/admin/faults/kimi-k2-5", new JsonObject { ["errorRate"] = 0.25, ["status"] = 504 });

        var faults = await (await _client.GetAsync("/admin/faults")).ReadJsonAsync();

        var fault = faults.GetProperty("kimi-k2-5");
        Assert.Equal(0.25, fault.GetProperty("errorRate").GetDouble());
        Assert.Equal(504, fault.GetProperty("status").GetInt32());
        Assert.Equal(1.0, fault.GetProperty("latencyMultiplier").GetDouble());
        Assert.False(fault.GetProperty("hang").GetBoolean());
        Assert.False(fault.GetProperty("failMidStream").GetBoolean());
    }

    [Theory]
    [InlineData("""{"errorRate":1.5}""")]
    [InlineData("""{"errorRate":-0.1}""")]
    [InlineData("""{"errorRate":1,"status":418}""")]
    [InlineData("""{"latencyMultiplier":-1}""")]
    [InlineData("""{"retryAfter":"-00:00:01"}""")]
    [InlineData("""{"retryAfter":"soon"}""")]
    [InlineData("""{"errorRate":""")]
    public async Task Faults_InvalidValues_Return400(string body)
    {
        using var response = await _client.PutAsync("/admin/faults/qwen-3-8b", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await (await _client.GetAsync("/admin/faults")).ReadJsonAsync()).EnumerateObject());
    }

    [Fact]
    public async Task Faults_UnknownModel_Returns404()
    {
        using var put = await _client.PutJsonAsync("/admin/faults/gpt-9", new JsonObject { ["errorRate"] = 1.0 });
        using var delete = await _client.DeleteAsync("/admin/faults/gpt-9");

        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task Faults_DeleteAll_ClearsEveryFault()
    {
        await _client.PutJsonAsync("/admin/faults/*", new JsonObject { ["errorRate"] = 1.0 });
        await _client.PutJsonAsync("/admin/faults/glm-5", new JsonObject { ["errorRate"] = 1.0 });

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/admin/faults")).StatusCode);

        Assert.Empty((await (await _client.GetAsync("/admin/faults")).ReadJsonAsync()).EnumerateObject());
        Assert.Equal(HttpStatusCode.OK, (await _client.PostChatAsync(Chat("glm-5"))).StatusCode);
    }

    [Fact]
    public async Task TimeScale_Set_IsReadBackAndChangesLatency()
    {
        using var put = await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.2 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(0.2, (await (await _client.GetAsync("/admin/time-scale")).ReadJsonAsync()).GetProperty("scale").GetDouble());
        var slow = await TimeChatAsync("kimi-k2-5");

        await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0 });
        var instant = await TimeChatAsync("kimi-k2-5");

        // kimi-k2-5 takes about 1.3 s at time scale 1 (never under ~0.7 s): ~260 ms at 0.2.
        Assert.True(slow >= TimeSpan.FromMilliseconds(120), $"slow {slow.TotalMilliseconds} ms");
        Assert.True(instant < TimeSpan.FromMilliseconds(100), $"instant {instant.TotalMilliseconds} ms");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(5000)]
    public async Task TimeScale_OutOfRange_Returns400(double scale)
    {
        using var response = await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = scale });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Requests_RecordTheCallersRequestIdStatusAndStreamFlag()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ChatPath)
        {
            Content = new StringContent(Chat("qwen-3-8b", extra: new JsonObject { ["stream"] = true }).ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", "gw-req-42");
        using (var response = await _client.SendAsync(request))
        {
            response.EnsureSuccessStatusCode();
        }

        var record = await AdminPolling.WaitForRequestAsync(_client, r => r.GetProperty("requestId").GetString() == "gw-req-42");

        Assert.Equal("qwen-3-8b", record.GetProperty("model").GetString());
        Assert.Equal("global", record.GetProperty("region").GetString());
        Assert.False(record.GetProperty("crossRegion").GetBoolean());
        Assert.True(record.GetProperty("stream").GetBoolean());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Requests_Limit_ReturnsTheNewestFirst()
    {
        foreach (var id in new[] { "a", "b", "c" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.Add("X-Request-Id", id);
            (await _client.SendAsync(request)).EnsureSuccessStatusCode();
        }

        var records = (await (await _client.GetAsync("/admin/requests?limit=2")).ReadJsonAsync()).EnumerateArray().ToList();

        Assert.Equal(["c", "b"], records.Select(r => r.GetProperty("requestId").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await _client.GetAsync("/admin/requests?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Stats_CountRequestsPerModelAndStatus()
    {
        await _client.PostChatAsync(Chat("glm-4-9b"));
        await _client.PostChatAsync(Chat("glm-4-9b"));
        await _client.PostChatAsync(Chat("glm-4-9b", extra: new JsonObject { ["n"] = 0 }));

        var stats = await (await _client.GetAsync("/admin/stats")).ReadJsonAsync();

        Assert.Equal(3, stats.GetProperty("total").GetInt64());
        var glm = stats.GetProperty("models").GetProperty("glm-4-9b");
        Assert.Equal(2, glm.GetProperty("200").GetInt64());
        Assert.Equal(1, glm.GetProperty("400").GetInt64());

        await _client.DeleteAsync("/admin/requests");
        Assert.Equal(0, (await (await _client.GetAsync("/admin/stats")).ReadJsonAsync()).GetProperty("total").GetInt64());
    }

    private async Task<TimeSpan> TimeChatAsync(string model)
    {
        await _client.PostChatAsync(Chat(model, extra: new JsonObject { ["max_tokens"] = 1 })); // warm-up
        var stopwatch = Stopwatch.StartNew();
        using var response = await _client.PostChatAsync(Chat(model));
        response.EnsureSuccessStatusCode();
        return stopwatch.Elapsed;
    }
}
