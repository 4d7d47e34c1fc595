using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AspireRouter.Gateway.Tests.Apis;

public sealed class GatewayApiTests : IDisposable
{
    private readonly GatewayFactory _factory = new();
    private readonly HttpClient _client;

    public GatewayApiTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    private Task<HttpResponseMessage> Post(string json, string path = "/v1/chat/completions") =>
        _client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    private static string Chat(string model, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}]{{extra}}}""";

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static async Task<JsonElement> Error(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error").Clone();
        Assert.True(error.TryGetProperty("message", out _));
        Assert.True(error.TryGetProperty("type", out _));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }

    [Fact]
    public async Task Route_Light_GoesToThePrimary_WithDecisionHeaders()
    {
        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("qwen-3-8b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("light", Header(response, "X-AspireRouter-Category"));
        Assert.Equal("1", Header(response, "X-AspireRouter-Attempts"));
        Assert.Equal("false", Header(response, "X-AspireRouter-Fallback"));
        Assert.Equal("global", Header(response, "X-AspireRouter-Region"));
        Assert.StartsWith("req_", Header(response, "X-Request-Id"));
        Assert.Contains("\"model\":\"qwen-3-8b\"", await response.Content.ReadAsStringAsync());
        var call = Assert.Single(_factory.Stub.Requests);
        Assert.Equal("http://qwen.global.test/v1/chat/completions", call.Uri.ToString());
        Assert.Equal("Bearer key-qwen-global", call.Authorization);
    }

    [Fact]
    public async Task Route_PrimaryReturns503_IsRetriedAtOnceUpToMaxRetries_ThenFallsBackToNextModel()
    {
        _factory.Stub.On("qwen-3-8b", HttpStatusCode.ServiceUnavailable);

        var response = await Post(Chat("light"));

        // A fast 5xx is retried on the same model at once, three times (Gateway:FastFailureRetries, the SDKs' default;
        // light's MaxRetries is 2), as the seed's SDK does; then the next model.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("5", Header(response, "X-AspireRouter-Attempts"));
        Assert.Equal("true", Header(response, "X-AspireRouter-Fallback"));
        Assert.Equal(["qwen-3-8b", "qwen-3-8b", "qwen-3-8b", "qwen-3-8b", "deepseek-v4-flash"], _factory.Stub.ModelsCalled);
    }

    [Fact]
    public async Task Route_PrimaryFailingSlowly_MovesOnAtOnce()
    {
        // A failure that took longer than the category's latency budget is not retried at once: the next model is tried.
        _factory.Stub.On("qwen-3-8b", async (_, token) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(550), token); // light's budget is 500 ms
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") };
        });

        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["qwen-3-8b", "deepseek-v4-flash"], _factory.Stub.ModelsCalled);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Route_RetryableStatus_MovesOn(HttpStatusCode status)
    {
        _factory.Stub.On("qwen-3-8b", status);

        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
    }

    [Fact]
    public async Task Route_ConnectionError_MovesOn()
    {
        _factory.Stub.On("qwen-3-8b", (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));

        var response = await Post(Chat("light"));

        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
    }

    [Fact]
    public async Task Route_ProviderClientError_IsReturnedAsItCame_NotRetried()
    {
        const string body = """{"error":{"message":"bad temperature","type":"invalid_request_error","param":"temperature","code":null}}""";
        _factory.Stub.On("qwen-3-8b", HttpStatusCode.BadRequest, body);

        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync());
        Assert.Single(_factory.Stub.Requests);
    }

    [Fact]
    public async Task Route_EveryCandidateFails_Is503ListingEachFailure()
    {
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            _factory.Stub.On(model, HttpStatusCode.ServiceUnavailable);
        }

        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("upstream_unavailable", error.GetProperty("code").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.Contains("qwen-3-8b@global: HTTP 503", message);
        Assert.Contains("glm-4-9b@global: HTTP 503", message);
        Assert.Contains("glm-4-9b@cn: HTTP 503", message); // the other region after the chain
        // Six candidates (three models, two regions), each failing fast and so tried 1 + FastFailureRetries (3) times at once.
        Assert.Equal("24", Header(response, "X-AspireRouter-Attempts"));
    }

    [Fact]
    public async Task Route_MaxRetriesIsPerCandidate_AFastFailureRetriedAtOnce_ASlowOneAfterTheChain()
    {
        string[] chain = ["deepseek-v4-flash", "qwen-3-32b", "glm-5"];

        // Fast failures (general: MaxRetries 3): each candidate is tried 1 + 3 times at once, then the next.
        using var fast = new GatewayFactory(new Dictionary<string, string>
        {
            ["Registry:Categories:general:FallbackToGlobal"] = "false",
            ["RetryThrottle:Enabled"] = "false",
            ["Registry:Categories:general:Timeout"] = "00:00:10",
        });
        foreach (var model in chain)
        {
            fast.Stub.On(model, HttpStatusCode.InternalServerError);
        }

        var response = await fast.CreateClient().PostAsync("/v1/chat/completions", new StringContent(Chat("general"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(chain.SelectMany(model => Enumerable.Repeat(model, 4)), fast.Stub.ModelsCalled);
        Assert.All(fast.Stub.Requests, r => Assert.Contains(".global.", r.Uri.Host + "."));

        // Slow failures (over a 50 ms budget): the chain, then the same again after a backoff, four passes.
        using var slow = new GatewayFactory(new Dictionary<string, string>
        {
            ["Registry:Categories:general:FallbackToGlobal"] = "false",
            ["Registry:Categories:general:LatencyBudget"] = "00:00:00.050",
            ["RetryThrottle:Enabled"] = "false",
            ["Registry:Categories:general:Timeout"] = "00:00:10",
        });
        foreach (var model in chain)
        {
            slow.Stub.On(model, async (_, token) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(70), token);
                return new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("{}") };
            });
        }

        await slow.CreateClient().PostAsync("/v1/chat/completions", new StringContent(Chat("general"), Encoding.UTF8, "application/json"));
        Assert.Equal([.. chain, .. chain, .. chain, .. chain], slow.Stub.ModelsCalled);

        // With its other region (the default), the chain's cn endpoints follow the global ones.
        using var both = new GatewayFactory(new Dictionary<string, string> { ["RetryThrottle:Enabled"] = "false" });
        foreach (var model in chain)
        {
            both.Stub.On(model, HttpStatusCode.InternalServerError);
        }

        await both.CreateClient().PostAsync("/v1/chat/completions", new StringContent(Chat("general"), Encoding.UTF8, "application/json"));
        Assert.Equal(
            ["deepseek-v4-flash.global", "qwen-3-32b.global", "glm-5.global", "deepseek-v4-flash.cn", "qwen-3-32b.cn", "glm-5.cn"],
            both.Stub.Requests.Select(r => $"{r.Model}.{r.Uri.Host.Split('.')[1]}").Distinct());
    }

    [Fact]
    public async Task Route_HangingModels_RespectTheDeadline()
    {
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            _factory.Stub.Hang(model);
        }

        var clock = Stopwatch.StartNew();
        var response = await Post(Chat("light"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("deadline_exceeded", (await Error(response)).GetProperty("code").GetString());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Forward_BodyIsUntouchedExceptModel()
    {
        const string json = """{"model":"light","messages":[{"role":"user","content":"hello"}],"seed":42,"tools":[{"type":"function","function":{"name":"f","parameters":{}}}],"x_provider_extension":{"enable_search":true}}""";

        await Post(json);

        Assert.Equal(json.Replace("\"light\"", "\"qwen-3-8b\""), Assert.Single(_factory.Stub.Requests).Body);
    }

    [Fact]
    public async Task RequestId_FromClient_IsEchoed_TheGatewaysOwnIdGoesUpstream()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(Chat("light"), Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-Id", "client-abc-123");

        var response = await _client.SendAsync(request);

        Assert.Equal("client-abc-123", Header(response, "X-Request-Id"));
        Assert.StartsWith("req_", Header(response, "X-AspireRouter-Request-Id"));
        Assert.Equal(Header(response, "X-AspireRouter-Request-Id"), Assert.Single(_factory.Stub.Requests).RequestId);
    }

    [Fact]
    public async Task ConcreteModel_GoesToThatModel()
    {
        var response = await Post(Chat("glm-5"));

        Assert.Equal("glm-5", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("direct", Header(response, "X-AspireRouter-Category"));
    }

    [Fact]
    public async Task Stream_IsRelayedAsEventStream()
    {
        var response = await Post(Chat("light", ""","stream":true"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"content\":\"Hello\"", text);
        Assert.Matches(@"data: \[DONE\]\n\n: aspirerouter-cost-usd=[0-9.]+\n\n$", text);
    }

    [Fact]
    public async Task Stream_FailureBeforeFirstByte_FallsBack()
    {
        _factory.Stub.On("qwen-3-8b", HttpStatusCode.ServiceUnavailable);

        var response = await Post(Chat("light", ""","stream":true"""));

        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stream_FailureAfterFirstByte_EndsWithAnErrorEvent()
    {
        _factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(StubProvider.BrokenStream("qwen-3-8b")));

        var response = await Post(Chat("light", ""","stream":true"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("partial", text);
        Assert.Contains("upstream_stream_failed", text);
        Assert.DoesNotContain("[DONE]", text);
        Assert.Single(_factory.Stub.Requests);
    }

    [Fact]
    public async Task ImageOnTextCategory_Is400_NamingWhyEachModelWasSkipped()
    {
        var response = await Post("""{"model":"light","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("no_eligible_model", error.GetProperty("code").GetString());
        Assert.Contains("qwen-3-8b: no vision", error.GetProperty("message").GetString());
        Assert.Empty(_factory.Stub.Requests);
    }

    [Theory]
    [InlineData("{not json", 400, "invalid_json")]
    [InlineData("", 400, "empty_body")]
    [InlineData("""{"model":"light"}""", 400, "missing_required_parameter")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}""", 404, "model_not_found")]
    public async Task BadInput_GetsOpenAiErrorAndRightStatus(string body, int status, string code)
    {
        var response = await Post(body);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(code, (await Error(response)).GetProperty("code").GetString());
        Assert.Empty(_factory.Stub.Requests);
    }

    [Fact]
    public async Task InvalidUtf8_Is400()
    {
        var bytes = Encoding.UTF8.GetBytes(Chat("light")).ToList();
        bytes.InsertRange(bytes.Count - 5, new byte[] { 0xC3, 0x28 });
        var content = new ByteArrayContent(bytes.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _client.PostAsync("/v1/chat/completions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_encoding", (await Error(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        var big = new string('a', 5 * 1024 * 1024);

        var response = await Post(Chat("light").Replace("hello", big));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await Error(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task UnknownPath_And_WrongMethod_GetOpenAiErrors()
    {
        var unknown = await _client.GetAsync("/v1/embeddings-nope");
        var wrongMethod = await _client.GetAsync("/v1/chat/completions");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("unknown_url", (await Error(unknown)).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal("method_not_allowed", (await Error(wrongMethod)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Models_ListsCategoriesAutoAndModels()
    {
        using var json = JsonDocument.Parse(await _client.GetStringAsync("/v1/models"));

        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Contains("light", ids);
        Assert.Contains("auto", ids);
        Assert.Contains("kimi-k2-5", ids);
        Assert.Equal("kimi", json.RootElement.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "kimi-k2-5").GetProperty("owned_by").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/v1/models/nope")).StatusCode);
    }

    [Fact]
    public async Task PromptLargerThanEveryWindow_Is400ContextLengthExceeded()
    {
        var prose = string.Join(' ', Enumerable.Repeat("the quarterly report shows steady growth again.", 25_000));

        var response = await Post(Chat("light").Replace("hello", prose));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("largest context window available is 131072", error.GetProperty("message").GetString());
        Assert.Empty(_factory.Stub.Requests);
    }
}
