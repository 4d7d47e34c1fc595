using System.Globalization;
using System.Net;
using System.Text;
using AspireRouter.Gateway.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// Costs through the in-process gateway with Redis unreachable: every event lands in the factory's spool, where the
/// tests read it back.
/// </summary>
public sealed class CostGatewayTests : IDisposable
{
    private readonly GatewayFactory _factory = new(new Dictionary<string, string>
    {
        ["Registry:Categories:general:Hedging:Enabled"] = "true",
        ["Registry:Categories:general:Hedging:MaxShare"] = "1",
        ["Registry:Categories:general:Hedging:Delay"] = "00:00:00.050",
        ["Registry:Categories:light:Timeout"] = "00:00:10", // the factory's 1 s is tight on a loaded test machine
    });

    private readonly HttpClient _client;

    public CostGatewayTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _factory.Dispose();
        try
        {
            Directory.Delete(_factory.SpoolDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private Task<HttpResponseMessage> Post(string json, params (string Name, string Value)[] headers)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            message.Headers.Add(name, value);
        }

        return _client.SendAsync(message);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task NonStream_CostHeaderAndEvent_ComeFromTheProvidersUsage_WithAttribution()
    {
        // qwen-3-8b: $0.005 in, $0.001 cached, $0.01 out per million.
        _factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(CostTestKit.Completion("qwen-3-8b", 1000, 200, cached: 400, reasoning: 50)));

        var response = await Post("""{"model":"light","user":"u-42","messages":[{"role":"user","content":"hello"}]}""",
            ("X-AspireRouter-Team", "search"), ("X-AspireRouter-Feature", "autocomplete"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        const decimal expected = (600 * 0.005m + 400 * 0.001m + 200 * 0.01m) / 1_000_000m;
        Assert.Equal(expected, decimal.Parse(Header(response, "X-AspireRouter-Cost-Usd"), CultureInfo.InvariantCulture));
        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.Equal(Header(response, "X-AspireRouter-Request-Id"), e.RequestId);
        Assert.Equal(("search", "u-42", "autocomplete"), (e.Team, e.User, e.Feature));
        Assert.Equal(("light", "light", "qwen-3-8b", "global", "success"), (e.Category, e.RequestedModel, e.Model, e.Region, e.Outcome));
        Assert.Equal((1000L, 400L, 200L, 50L), (e.InputTokens, e.CachedInputTokens, e.OutputTokens, e.ReasoningTokens));
        Assert.Equal(expected, e.CostUsd);
        Assert.False(e.Estimated);
        Assert.Equal(new DateOnly(2026, 1, 1), Assert.Single(e.AttemptCosts).PriceEffectiveFrom);
    }

    [Fact]
    public async Task Failover_FailedAttemptWithoutUsageCostsNothing_BothAttemptsAreListed()
    {
        _factory.Stub.On("qwen-3-8b", HttpStatusCode.ServiceUnavailable);
        _factory.Stub.On("deepseek-v4-flash", (_, _) => Task.FromResult(CostTestKit.Completion("deepseek-v4-flash", 100, 10)));

        var response = await Post("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", ("X-AspireRouter-User", "header-user"));

        const decimal expected = (100 * 0.07m + 10 * 0.25m) / 1_000_000m;
        Assert.Equal(expected, decimal.Parse(Header(response, "X-AspireRouter-Cost-Usd"), CultureInfo.InvariantCulture));
        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.Equal(("default", "header-user"), (e.Team, e.User));
        Assert.True(e.Fallback);
        Assert.Equal(5, e.Attempts); // the fast 503 retried three times at once, then the next model
        Assert.Equal(["retryable_error", "retryable_error", "retryable_error", "retryable_error", "success"], e.AttemptCosts.Select(a => a.Outcome));
        Assert.Equal(0m, e.AttemptCosts[0].CostUsd);
        Assert.Equal(expected, e.CostUsd);
    }

    [Fact]
    public async Task Hedge_SupersededAttemptIsChargedItsPromptEstimate_AndSummed()
    {
        _factory.Stub.Hang("deepseek-v4-flash");
        _factory.Stub.On("qwen-3-32b", (_, _) => Task.FromResult(CostTestKit.Completion("qwen-3-32b", 100, 10)));

        var response = await Post("""{"model":"general","messages":[{"role":"user","content":"hello there, how are you today?"}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.True(e.Hedged);
        Assert.True(e.Estimated);
        var superseded = Assert.Single(e.AttemptCosts, a => a.Outcome == "superseded");
        Assert.Equal("deepseek-v4-flash", superseded.Model);
        Assert.True(superseded.Estimated);
        Assert.InRange(superseded.InputTokens, 5, 30);
        Assert.Equal(0, superseded.OutputTokens);
        Assert.Equal(e.AttemptCosts.Sum(a => a.CostUsd), e.CostUsd);
        Assert.Equal(e.CostUsd, decimal.Parse(Header(response, "X-AspireRouter-Cost-Usd"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Stream_ClientWithoutIncludeUsage_NeverSeesTheUsageChunk_ButItIsBilled()
    {
        _factory.Stub.On("qwen-3-8b", async (request, token) =>
            CostTestKit.StreamHonouringIncludeUsage("qwen-3-8b", await request.Content!.ReadAsStringAsync(token), 50, 20));

        var response = await Post("""{"model":"light","stream":true,"messages":[{"role":"user","content":"hello"}]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.DoesNotContain("usage", body, StringComparison.Ordinal);
        Assert.Contains("data: [DONE]\n\n", body, StringComparison.Ordinal);
        Assert.Contains("\"include_usage\":true", _factory.Stub.Requests.Single().Body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-AspireRouter-Cost-Usd"));
        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.Equal((50L, 20L, false, true), (e.InputTokens, e.OutputTokens, e.Estimated, e.Streamed));
        Assert.Equal((50 * 0.005m + 20 * 0.01m) / 1_000_000m, e.CostUsd);
        Assert.EndsWith($": aspirerouter-cost-usd={CostAccountant.FormatUsd(e.CostUsd)}\n\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ClientWithIncludeUsage_GetsTheUsageChunk()
    {
        _factory.Stub.On("qwen-3-8b", async (request, token) =>
            CostTestKit.StreamHonouringIncludeUsage("qwen-3-8b", await request.Content!.ReadAsStringAsync(token), 50, 20));

        var response = await Post("""{"model":"light","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hello"}]}""");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"usage\":{\"prompt_tokens\":50", body, StringComparison.Ordinal);
        Assert.Equal(50, Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1)).InputTokens);
    }

    [Fact]
    public async Task Stream_WithoutUsageFromTheProvider_IsEstimatedFromPromptAndStreamedText()
    {
        // The default stub streams "Hello" + " world" and never sends usage.
        var response = await Post("""{"model":"light","stream":true,"messages":[{"role":"user","content":"hello"}]}""");
        await response.Content.ReadAsStringAsync();

        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.True(e.Estimated);
        Assert.Equal(2, e.OutputTokens); // "Hello world" in o200k
        Assert.InRange(e.InputTokens, 1, 10);
        Assert.True(e.CostUsd > 0);
    }

    [Theory]
    [InlineData("X-AspireRouter-Team", "bad team!", "invalid_team")]
    [InlineData("X-AspireRouter-Feature", "a/b", "invalid_feature")]
    public async Task Attribution_InvalidIdentifier_Is400(string header, string value, string code)
    {
        var response = await Post("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", (header, value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"code\":\"{code}\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_BrokenAfterItsFirstChunk_IsChargedAnEstimate()
    {
        _factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(StubProvider.BrokenStream("qwen-3-8b")));

        var response = await Post("""{"model":"light","stream":true,"messages":[{"role":"user","content":"hello"}]}""");
        Assert.Contains("upstream_stream_failed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.True(e.Estimated);
        Assert.Equal(1, e.OutputTokens); // "partial"
        Assert.Equal("success", e.Outcome);
    }

    [Fact]
    public async Task Shutdown_FlushesQueuedEventsToTheSpool_WhenRedisIsDown()
    {
        var factory = new GatewayFactory();
        var client = factory.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));
            ids.Add(Header(response, "X-AspireRouter-Request-Id"));
        }

        await factory.DisposeAsync();

        Assert.Equal(ids.Order(), CostTestKit.ReadSpool(factory.SpoolDirectory).Select(e => e.RequestId).Order());
        Directory.Delete(factory.SpoolDirectory, recursive: true);
    }

    [Fact]
    public async Task Stream_ClientWalksAway_IsChargedPromptAndStreamedText_AsEstimated()
    {
        _factory.Stub.On("qwen-3-8b", (_, token) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new FirstChunkThenStall(Encoding.UTF8.GetBytes(StubProvider.Chunk("qwen-3-8b", "Hello world")))),
        }));
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"light","stream":true,"messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };

        using (var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead))
        {
            var stream = await response.Content.ReadAsStreamAsync();
            Assert.True(await stream.ReadAsync(new byte[64]) > 0);
        }

        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.Equal("client_aborted", e.Outcome);
        Assert.True(e.Estimated);
        Assert.Equal(2, e.OutputTokens);
        Assert.True(e.InputTokens > 0);
    }
}
