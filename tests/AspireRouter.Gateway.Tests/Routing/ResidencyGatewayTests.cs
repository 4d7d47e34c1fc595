using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tests.Costs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests.Routing;

/// <summary>
/// CN-resident requests through the in-process gateway: only cn endpoints are ever called, whatever fails, and the
/// answer is a 503 <c>residency_unavailable</c> when none can serve.
/// </summary>
public sealed class ResidencyGatewayTests
{
    private static string Chat(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hello"}]}""";

    private static async Task<HttpResponseMessage> Post(HttpClient client, string json, string? residency = "cn", string? requestId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (residency is not null)
        {
            request.Headers.Add(ResidencyRequirement.Header, residency);
        }

        if (requestId is not null)
        {
            request.Headers.Add("X-Request-Id", requestId);
        }

        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static async Task<JsonElement> Error(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").Clone();
    }

    private static bool IsCn(Uri uri) => uri.Host.EndsWith(".cn.test", StringComparison.Ordinal);

    /// <summary>Every model answers 503 from its cn endpoint and normally from global.</summary>
    private static void FailEveryCnEndpoint(GatewayFactory factory)
    {
        foreach (var model in SeedRegistryConfiguration.LoadSeedOptions().Models.Keys)
        {
            factory.Stub.On(model, (request, _) => Task.FromResult(IsCn(request.RequestUri!)
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}", Encoding.UTF8, "application/json") }
                : StubProvider.Completion(model)));
        }
    }

    private static void AssertOnlyCnCalled(GatewayFactory factory)
    {
        Assert.NotEmpty(factory.Stub.Requests);
        Assert.All(factory.Stub.Requests, r => Assert.True(IsCn(r.Uri), $"{r.Model} was sent to {r.Uri}"));
    }

    private static async Task AssertResidencyUnavailable(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var error = await Error(response);
        Assert.Equal(ResidencyRequirement.UnavailableCode, error.GetProperty("code").GetString());
        Assert.Equal("api_error", error.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.Contains("'cn'", error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("light", "global", false)]
    [InlineData("general", "global", false)]
    [InlineData("regional-cn", "cn", false)]
    [InlineData("regional-cn", "global", true)]
    [InlineData("glm-5", "global", true)]
    public async Task EveryCnEndpointFailing_ResidentRequest_FailsClosedWithoutLeavingCn(string model, string home, bool stream)
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Gateway:Region"] = home });
        FailEveryCnEndpoint(factory);

        var response = await Post(factory.CreateClient(), Chat(model, stream));

        await AssertResidencyUnavailable(response);
        Assert.Equal("cn", Header(response, "X-AspireRouter-Residency"));
        AssertOnlyCnCalled(factory);
        // Retries happened (more attempts than the chain is long or the same model again), all in cn.
        Assert.True(factory.Stub.Requests.Count >= 2, $"{factory.Stub.Requests.Count} attempt(s)");
    }

    [Fact]
    public async Task EveryCnBreakerOpen_ResidentRequest_PanicsWithinCn_AndFailsClosedWhenCnStillFails()
    {
        using var factory = new GatewayFactory();
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            for (var i = 0; i < 5; i++)
            {
                await breakers.RecordAsync(await breakers.AdmitAsync(model, Regions.Cn), BreakerOutcome.Failure);
            }
        }

        // Every cn breaker is open but the endpoints answer again: panic mode tries them, and only them.
        var served = await Post(factory.CreateClient(), Chat("light"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("cn", Header(served, "X-AspireRouter-Region"));
        Assert.Equal("true", Header(served, "X-AspireRouter-Panic"));

        // They still fail: the request fails closed, and not one attempt left cn.
        FailEveryCnEndpoint(factory);

        var response = await Post(factory.CreateClient(), Chat("light"));

        await AssertResidencyUnavailable(response);
        Assert.Contains("breaker open", (await Error(response)).GetProperty("message").GetString());
        Assert.All(factory.Stub.Requests, r => Assert.StartsWith("http://", r.Uri.ToString(), StringComparison.Ordinal));
        Assert.All(factory.Stub.Requests, r => Assert.Contains(".cn.test", r.Uri.Host, StringComparison.Ordinal));

        // The same request without residency is served from the global endpoints the breakers do not cover.
        var unconstrained = await Post(factory.CreateClient(), Chat("light"), residency: null);
        Assert.Equal(HttpStatusCode.OK, unconstrained.StatusCode);
        Assert.Equal("global", Header(unconstrained, "X-AspireRouter-Region"));
    }

    [Fact]
    public async Task ChainOfferedOnlyGlobally_ResidentRequest_Is503NotAGlobalCall()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["Registry:Models:qwen-3-8b:Regions:1"] = "global",
            ["Registry:Models:deepseek-v4-flash:Regions:1"] = "global",
            ["Registry:Models:glm-4-9b:Regions:1"] = "global",
        });

        var response = await Post(factory.CreateClient(), Chat("light"));

        await AssertResidencyUnavailable(response);
        Assert.Contains("not offered in 'cn' (residency)", (await Error(response)).GetProperty("message").GetString());
        Assert.Empty(factory.Stub.Requests);
    }

    [Fact]
    public async Task HangingCnEndpoints_ResidentRequest_FailsClosedAtTheDeadline()
    {
        using var factory = new GatewayFactory();
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "glm-4-9b" })
        {
            factory.Stub.On(model, async (request, token) =>
            {
                if (IsCn(request.RequestUri!))
                {
                    await Task.Delay(Timeout.Infinite, token);
                }

                return StubProvider.Completion(model);
            });
        }

        // light's deadline is 1 s in the factory.
        var response = await Post(factory.CreateClient(), Chat("light"));

        await AssertResidencyUnavailable(response);
        Assert.Contains("deadline", (await Error(response)).GetProperty("message").GetString());
        AssertOnlyCnCalled(factory);
    }

    [Fact]
    public async Task Hedging_ResidentRequest_HedgesOnlyToCn()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["Registry:Categories:light:Hedging:Enabled"] = "true",
            ["Registry:Categories:light:Hedging:Delay"] = "00:00:00.050",
            ["Registry:Categories:light:Hedging:MaxShare"] = "1",
            ["Registry:Categories:light:Timeout"] = "00:00:05",
        });
        factory.Stub.On("qwen-3-8b", async (_, token) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2), token);
            return StubProvider.Completion("qwen-3-8b");
        });

        var response = await Post(factory.CreateClient(), Chat("light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
        // The hedge was sent; the slow first attempt is counted only if it reached the provider before the hedge won
        // and cancelled it (on a loaded machine the 50 ms hedge delay can pass before it does).
        Assert.Contains("deepseek-v4-flash", factory.Stub.ModelsCalled);
        Assert.InRange(factory.Stub.Requests.Count, 1, 2);
        AssertOnlyCnCalled(factory);
    }

    [Fact]
    public async Task ResidentRequest_OnTheGlobalGateway_IsServedInCn_AndItsCostEventRecordsTheResidency()
    {
        using var factory = new GatewayFactory();
        factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(CostTestKit.Completion("qwen-3-8b", 10, 5)));

        var response = await Post(factory.CreateClient(), Chat("light"), requestId: "resident-cost-1");
        var unconstrained = await Post(factory.CreateClient(), Chat("light"), residency: "none", requestId: "resident-cost-2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
        Assert.Equal("global", Header(unconstrained, "X-AspireRouter-Region"));
        Assert.Equal("", Header(unconstrained, "X-AspireRouter-Residency"));
        var events = await CostTestKit.SpooledAsync(factory.SpoolDirectory, 2);
        var resident = Assert.Single(events, e => e.CorrelationId == "resident-cost-1");
        Assert.Equal(Header(response, "X-AspireRouter-Request-Id"), resident.RequestId);
        Assert.Equal("cn", resident.Residency);
        Assert.Equal("cn", resident.Region);
        Assert.Equal("global", resident.GatewayRegion);
        Assert.Null(Assert.Single(events, e => e.CorrelationId == "resident-cost-2").Residency);
    }

    [Theory]
    [InlineData("eu")]
    [InlineData("cn-north")]
    public async Task UnknownResidency_Is400WithTheHeaderAsParam(string value)
    {
        using var factory = new GatewayFactory();

        var response = await Post(factory.CreateClient(), Chat("light"), residency: value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Error(response);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(ResidencyRequirement.Header, error.GetProperty("param").GetString());
        Assert.Equal("invalid_residency", error.GetProperty("code").GetString());
        Assert.Empty(factory.Stub.Requests);
    }

    [Fact]
    public async Task FallbackToGlobalOff_NonResidentRegionalCn_DoesNotLeaveCn()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:regional-cn:FallbackToGlobal"] = "false" });
        FailEveryCnEndpoint(factory);

        var response = await Post(factory.CreateClient(), Chat("regional-cn"), residency: null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("upstream_unavailable", (await Error(response)).GetProperty("code").GetString());
        AssertOnlyCnCalled(factory);
    }

    [Fact]
    public async Task FallbackToGlobalOn_NonResidentRegionalCn_FallsBackToGlobal()
    {
        using var factory = new GatewayFactory();
        FailEveryCnEndpoint(factory);

        var response = await Post(factory.CreateClient(), Chat("regional-cn"), residency: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("global", Header(response, "X-AspireRouter-Region"));
        Assert.Equal("glm-5", Header(response, "X-AspireRouter-Model"));
    }

    [Fact]
    public async Task Executor_GivenAGlobalCandidateForAResidentRequest_NeverCallsIt()
    {
        using var factory = new GatewayFactory();
        var registry = factory.Services.GetRequiredService<RegistryProvider>().Current;
        var model = registry.Models["qwen-3-8b"];
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(Chat("qwen-3-8b")), out _)!;
        var target = new RouteTarget(null, model, "test") { Residency = Regions.Cn };
        // A list no selector produces: what a future policy bug might hand the executor.
        var list = new CandidateList([new Candidate(model, Regions.Global, registry.Endpoint(model, Regions.Global)!)], []);

        await using var outcome = await factory.Services.GetRequiredService<ChatExecutor>()
            .ExecuteAsync(new ExecutionRequest(request, target, list, "bad-list", TimeSpan.FromSeconds(5)), CancellationToken.None);

        Assert.Null(outcome.Winner);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, outcome.Error!.Status);
        Assert.Empty(factory.Stub.Requests);
        Assert.Equal(ResidencyRequirement.UnavailableCode, outcome.Error.Code);
        Assert.Contains("outside residency region 'cn'", outcome.Error.Message);
    }
}
