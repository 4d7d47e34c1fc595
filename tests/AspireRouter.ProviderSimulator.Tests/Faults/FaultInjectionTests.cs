using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Faults;

public sealed class FaultInjectionTests : IClassFixture<SimulatorFactory>, IAsyncLifetime
{
    private readonly HttpClient _client;

    public FaultInjectionTests(SimulatorFactory factory) => _client = factory.CreateAuthorizedClient();

    public async Task InitializeAsync()
    {
        (await _client.DeleteAsync("/admin/faults")).EnsureSuccessStatusCode();
        (await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.01 })).EnsureSuccessStatusCode();
        (await _client.DeleteAsync("/admin/requests")).EnsureSuccessStatusCode();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Fault_ErrorRateOne503_AnswersEveryRequestWith503ServerError()
    {
        await SetFaultAsync("deepseek-v4-flash", new JsonObject { ["errorRate"] = 1.0, ["status"] = 503 });

        for (var i = 0; i < 3; i++)
        {
            using var response = await _client.PostChatAsync(Chat("deepseek-v4-flash"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("server_error", (await response.ReadErrorAsync()).GetProperty("type").GetString());
        }

        using var other = await _client.PostChatAsync(Chat("qwen-3-8b"));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Theory]
    [InlineData(401, "invalid_api_key")]
    [InlineData(402, "insufficient_balance")]
    [InlineData(403, "permission_denied")]
    public async Task Fault_ProviderKeyRefused_AnswersWithTheProvidersAuthError(int status, string code)
    {
        await SetFaultAsync("kimi-k2-5", new JsonObject { ["errorRate"] = 1.0, ["status"] = status });

        using var response = await _client.PostChatAsync(Chat("kimi-k2-5"));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await response.ReadErrorAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Fault_429WithRetryAfter_SendsRetryAfterInWholeSeconds()
    {
        await SetFaultAsync("glm-5", new JsonObject { ["errorRate"] = 1.0, ["status"] = 429, ["retryAfter"] = "00:00:01.500" });

        using var response = await _client.PostChatAsync(Chat("glm-5"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", (await response.ReadErrorAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Fault_RetryAfterInSeconds_IsAcceptedLikeATimeSpan()
    {
        await SetFaultAsync("glm-5", new JsonObject { ["errorRate"] = 1.0, ["status"] = 429, ["retryAfter"] = 3 });

        using var response = await _client.PostChatAsync(Chat("glm-5"));

        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Fault_ErrorRateHalf_FailsSomeRequestsAndServesOthers()
    {
        await SetFaultAsync("qwen-3-32b", new JsonObject { ["errorRate"] = 0.5, ["status"] = 500 });
        await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 60; i++)
        {
            using var response = await _client.PostChatAsync(Chat("qwen-3-32b"));
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.Contains(HttpStatusCode.InternalServerError, statuses);
    }

    [Fact]
    public async Task Fault_Wildcard_AppliesToModelsWithoutTheirOwnFault()
    {
        await SetFaultAsync("*", new JsonObject { ["errorRate"] = 1.0, ["status"] = 502 });
        await SetFaultAsync("glm-4-9b", new JsonObject { ["errorRate"] = 0.0 });

        using var wildcard = await _client.PostChatAsync(Chat("qwen-3-8b"));
        using var own = await _client.PostChatAsync(Chat("glm-4-9b"));

        Assert.Equal(HttpStatusCode.BadGateway, wildcard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task Fault_LatencyMultiplier_MakesTheModelSlower()
    {
        await _client.PutJsonAsync("/admin/time-scale", new JsonObject { ["scale"] = 0.05 });
        var baseline = await TimeChatAsync("glm-4-9b");

        await SetFaultAsync("glm-4-9b", new JsonObject { ["latencyMultiplier"] = 20.0 });
        var slowed = await TimeChatAsync("glm-4-9b");

        // glm-4-9b answers in ~0.3 s at time scale 1: ~15 ms here, ~300 ms with the multiplier.
        Assert.True(slowed >= TimeSpan.FromMilliseconds(100), $"slowed {slowed.TotalMilliseconds} ms");
        Assert.True(slowed > baseline * 2, $"baseline {baseline.TotalMilliseconds} ms, slowed {slowed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Fault_Hang_NeverAnswersAndStopsWhenTheClientCancels()
    {
        await SetFaultAsync("qwen-3-vl-32b", new JsonObject { ["hang"] = true });
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var stopwatch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.PostChatAsync(Chat("qwen-3-vl-32b"), cancellationToken: timeout.Token));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));

        var record = await AdminPolling.WaitForRequestAsync(_client, r => r.GetProperty("model").GetString() == "qwen-3-vl-32b");
        Assert.Equal(499, record.GetProperty("status").GetInt32());
        Assert.Equal("hang", record.GetProperty("fault").GetString());
    }

    [Fact]
    public async Task Fault_FailMidStream_LeavesNonStreamedRequestsAlone()
    {
        await SetFaultAsync("deepseek-r1", new JsonObject { ["failMidStream"] = true });

        using var response = await _client.PostChatAsync(Chat("deepseek-r1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Fault_Cleared_ModelAnswersAgain()
    {
        await SetFaultAsync("glm-4-6v", new JsonObject { ["errorRate"] = 1.0 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _client.PostChatAsync(Chat("glm-4-6v"))).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("/admin/faults/glm-4-6v")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await _client.PostChatAsync(Chat("glm-4-6v"))).StatusCode);
    }

    private async Task SetFaultAsync(string model, JsonObject fault)
    {
        using var response = await _client.PutJsonAsync($"/admin/faults/{model}", fault);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<TimeSpan> TimeChatAsync(string model)
    {
        await _client.PostChatAsync(Chat(model)); // warm-up, so the first call's JIT does not count
        var stopwatch = Stopwatch.StartNew();
        using var response = await _client.PostChatAsync(Chat(model));
        response.EnsureSuccessStatusCode();
        return stopwatch.Elapsed;
    }
}
