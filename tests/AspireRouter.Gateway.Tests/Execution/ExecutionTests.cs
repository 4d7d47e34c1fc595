using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Latency;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests.Execution;

/// <summary>Deadline, backoff, latency-aware ordering, hedging and stream timeouts through the in-process gateway.</summary>
public sealed class ExecutionTests
{
    private static string Chat(string model, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}]{{extra}}}""";

    private static async Task<HttpResponseMessage> Post(HttpClient client, string json, int? timeoutMs = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (timeoutMs is { } ms)
        {
            request.Headers.Add("X-AspireRouter-Timeout-Ms", ms.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static async Task<string?> ErrorCode(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetProperty("code").GetString();
    }

    /// <summary>Feeds the latency tracker as if the gateway had observed these latencies.</summary>
    private static void Observe(GatewayFactory factory, string model, TimeSpan latency, int samples = 50)
    {
        var tracker = factory.Services.GetRequiredService<LocalLatencyTracker>();
        for (var i = 0; i < samples; i++)
        {
            tracker.Record(model, "global", latency, success: true);
        }

        tracker.Refresh();
    }

    [Fact]
    public async Task Deadline_ClientOverride_CutsAHangingChainShort()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:general:Timeout"] = "00:00:30" });
        foreach (var model in new[] { "deepseek-v4-flash", "qwen-3-32b", "glm-5" })
        {
            factory.Stub.Hang(model);
        }

        var client = factory.CreateClient(); // the host starts here, outside the measured time

        var clock = Stopwatch.StartNew();
        var response = await Post(client, Chat("general"), timeoutMs: 400);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("deadline_exceeded", await ErrorCode(response));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(3));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("99999999999")]
    public async Task Deadline_InvalidOverride_Is400(string value)
    {
        using var factory = new GatewayFactory();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat("light"), Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("X-AspireRouter-Timeout-Ms", value);

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_timeout", await ErrorCode(response));
    }

    [Fact]
    public async Task Backoff_HonoursRetryAfter_WhenRetryingTheSameModel()
    {
        using var factory = new GatewayFactory();
        var calls = 0;
        factory.Stub.On("glm-5", (_, _) =>
        {
            // The first attempt in each region is rate limited: the retry of the first endpoint waits for its Retry-After.
            if (Interlocked.Increment(ref calls) <= 2)
            {
                var limited = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}") };
                limited.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                return Task.FromResult(limited);
            }

            return Task.FromResult(StubProvider.Completion("glm-5"));
        });

        var client = factory.CreateClient(); // the host starts here, outside the measured time

        var clock = Stopwatch.StartNew();
        var response = await Post(client, Chat("glm-5"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3", Header(response, "X-AspireRouter-Attempts"));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"retried after {clock.Elapsed}, before Retry-After");
        Assert.Equal(["global", "cn", "global"], factory.Stub.Requests.Select(r => r.Uri.Host.Split('.')[1]));
    }

    [Fact]
    public async Task RateLimited_MovesToTheNextCandidateAtOnce_AndCoolsTheEndpointForEveryRequest()
    {
        using var factory = new GatewayFactory();
        factory.Stub.On("qwen-3-8b", HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(30));
        var client = factory.CreateClient();

        var clock = Stopwatch.StartNew();
        var first = await Post(client, Chat("light"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(first, "X-AspireRouter-Model"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");

        // The endpoint cools down for its Retry-After: the next requests do not call it, and no breaker opened.
        for (var i = 0; i < 10; i++)
        {
            var next = await Post(client, Chat("light"));
            Assert.Equal("deepseek-v4-flash", Header(next, "X-AspireRouter-Model"));
        }

        Assert.Equal(1, factory.Stub.ModelsCalled.Count(m => m == "qwen-3-8b"));
        var breaker = factory.Services.GetRequiredService<ICircuitBreakers>().StatusOf("qwen-3-8b", "global");
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.WindowFailures);
        Assert.NotNull(breaker.CoolUntil);
    }

    [Fact]
    public async Task ProviderKeyRejected_IsAnEndpointFailure_NeverTheTenantsError()
    {
        using var factory = new GatewayFactory();
        factory.Stub.On("qwen-3-8b", HttpStatusCode.Unauthorized, """{"error":{"message":"Incorrect API key provided: key-qwen-global","type":"invalid_request_error","code":"invalid_api_key"}}""");
        var client = factory.CreateClient();

        var response = await Post(client, Chat("light"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));

        // Every provider refuses the gateway's keys: the tenant gets a 503 of ours, not a 401 it would take for its own.
        foreach (var model in new[] { "deepseek-v4-flash", "glm-4-9b" })
        {
            factory.Stub.On(model, HttpStatusCode.Forbidden, """{"error":{"message":"key-x forbidden"}}""");
        }

        var refused = await Post(client, Chat("light"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Contains("the provider refused the gateway's key", json.RootElement.GetProperty("error").GetProperty("message").GetString());
        }

        Assert.DoesNotContain("invalid_api_key", body);
        Assert.DoesNotContain("key-", body);
        Assert.True(factory.Services.GetRequiredService<ICircuitBreakers>().StatusOf("qwen-3-8b", "global").WindowFailures >= 1);
    }

    [Fact]
    public async Task ClientsShortDeadline_TimeoutsDoNotCountAgainstTheProvider()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:05" });
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            // Far past the client's 100 ms, so a timer that fires late on a loaded machine still cuts the attempt.
            factory.Stub.On(model, async (_, token) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1500), token);
                return StubProvider.Completion(model);
            });
        }

        var client = factory.CreateClient();

        for (var i = 0; i < 8; i++)
        {
            var response = await Post(client, Chat("light"), timeoutMs: 100);
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        }

        var breaker = factory.Services.GetRequiredService<ICircuitBreakers>().StatusOf("qwen-3-8b", "global");
        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.Equal(0, breaker.WindowFailures);

        // With the category's own deadline the model answers, and is still the first choice.
        var served = await Post(client, Chat("light"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("qwen-3-8b", Header(served, "X-AspireRouter-Model"));
    }

    [Fact]
    public async Task ADeadlineThatPassesBetweenAttempts_IsA504_NeverA500NorAnAttemptWithoutATimeout()
    {
        // A deadline of a millisecond or two runs out while the next candidate is being admitted: an attempt started then
        // got a zero or negative timeout, which CancelAfter reads as "never" (-1 ms: the answer came after the deadline)
        // or refuses (below: a 500).
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:05" });
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            factory.Stub.On(model, async (_, token) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1500), token);
                return StubProvider.Completion(model);
            });
        }

        var client = factory.CreateClient();
        for (var i = 0; i < 60; i++)
        {
            var response = await Post(client, Chat("light"), timeoutMs: 1 + (i % 3));
            Assert.True(response.StatusCode == HttpStatusCode.GatewayTimeout, $"request {i}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Backoff_RetryAfterBeyondTheDeadline_IsNotWaitedFor()
    {
        using var factory = new GatewayFactory();
        factory.Stub.On("glm-5", HttpStatusCode.TooManyRequests, retryAfter: TimeSpan.FromSeconds(120));
        var client = factory.CreateClient(); // the host starts here, outside the measured time

        var clock = Stopwatch.StartNew();
        var response = await Post(client, Chat("glm-5"), timeoutMs: 2_000);

        // Both regions' endpoints said 429 with a Retry-After past the deadline: not waited for, and the client is told
        // to come back when the provider said (a 429 of ours, which SDKs honour), not handed a timeout.
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("120", Header(response, "Retry-After"));
        Assert.Equal("upstream_rate_limited", await ErrorCode(response));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"waited {clock.Elapsed}");
        Assert.Equal(2, factory.Stub.Requests.Count);
    }

    [Fact]
    public async Task Latency_PrimaryOverBudget_IsDemoted()
    {
        using var factory = new GatewayFactory();
        var client = factory.CreateClient();
        Observe(factory, "qwen-3-8b", TimeSpan.FromMilliseconds(900)); // light's budget is 500 ms

        var response = await Post(client, Chat("light"));

        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Equal(["deepseek-v4-flash"], factory.Stub.ModelsCalled);
    }

    [Fact]
    public async Task Latency_CandidateWhoseTypicalLatencyCannotFitTheTimeLeft_IsSkipped()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:reasoning:Policy"] = "ordered" });
        var client = factory.CreateClient();
        Observe(factory, "kimi-k2-5", TimeSpan.FromSeconds(2));

        var response = await Post(client, Chat("reasoning"), timeoutMs: 1_000);

        Assert.Equal("deepseek-r1", Header(response, "X-AspireRouter-Model"));
        Assert.DoesNotContain("kimi-k2-5", factory.Stub.ModelsCalled);
    }

    [Fact]
    public async Task Policy_CheapestWithinSlo_FromConfiguration_PicksTheCheapestModel()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:reasoning:Policy"] = "cheapest-within-slo" });

        var response = await Post(factory.CreateClient(), Chat("reasoning"));

        Assert.Equal("deepseek-r1", Header(response, "X-AspireRouter-Model"));
    }

    [Fact]
    public async Task Policy_Fastest_PicksTheLowestP99()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:general:Policy"] = "fastest" });
        var client = factory.CreateClient();
        Observe(factory, "deepseek-v4-flash", TimeSpan.FromMilliseconds(680));
        Observe(factory, "qwen-3-32b", TimeSpan.FromMilliseconds(450));
        Observe(factory, "glm-5", TimeSpan.FromMilliseconds(400));

        var response = await Post(client, Chat("general"));

        Assert.Equal("glm-5", Header(response, "X-AspireRouter-Model"));
    }

    private static Dictionary<string, string> Hedging(string maxShare = "1") => new()
    {
        ["Registry:Categories:light:Hedging:Enabled"] = "true",
        ["Registry:Categories:light:Hedging:Delay"] = "00:00:00.100",
        ["Registry:Categories:light:Hedging:MaxShare"] = maxShare,
        ["Registry:Categories:light:Timeout"] = "00:00:05",
    };

    [Fact]
    public async Task Hedging_SlowPrimary_LosesToTheHedge_AndIsCancelled()
    {
        using var factory = new GatewayFactory(Hedging());
        var primaryCancelled = new TaskCompletionSource();
        factory.Stub.On("qwen-3-8b", async (_, token) =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(3), token);
            }
            catch (OperationCanceledException)
            {
                primaryCancelled.TrySetResult();
                throw;
            }

            return StubProvider.Completion("qwen-3-8b");
        });

        var client = factory.CreateClient(); // the host starts here, outside the measured time

        var clock = Stopwatch.StartNew();
        var response = await Post(client, Chat("light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("2", Header(response, "X-AspireRouter-Attempts"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        await primaryCancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Hedging_FastPrimary_StartsNoHedge()
    {
        using var factory = new GatewayFactory(Hedging());

        var response = await Post(factory.CreateClient(), Chat("light"));

        Assert.Equal("qwen-3-8b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal(["qwen-3-8b"], factory.Stub.ModelsCalled);
    }

    [Fact]
    public async Task Hedging_IsCappedAsAShareOfTraffic()
    {
        using var factory = new GatewayFactory(Hedging(maxShare: "0.2"));
        factory.Stub.On("qwen-3-8b", async (_, token) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), token);
            return StubProvider.Completion("qwen-3-8b");
        });
        var client = factory.CreateClient();

        var hedged = 0;
        for (var i = 0; i < 20; i++)
        {
            var response = await Post(client, Chat("light"));
            hedged += Header(response, "X-AspireRouter-Attempts") == "2" ? 1 : 0;
        }

        Assert.InRange(hedged, 1, 4); // 20 requests × 0.2
    }

    [Fact]
    public async Task Stream_NoFirstByteInTime_FallsBackBeforeAnythingIsSent()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["Gateway:StreamFirstByteTimeout"] = "00:00:00.300",
            ["Registry:Categories:light:Timeout"] = "00:00:05",
        });
        factory.Stub.Hang("qwen-3-8b");

        var client = factory.CreateClient(); // the host starts here, outside the measured time

        var clock = Stopwatch.StartNew();
        var response = await Post(client, Chat("light", ""","stream":true"""));

        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }
}
