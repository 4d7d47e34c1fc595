using System.Net;
using System.Net.Http.Headers;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary><c>model: auto</c> through the in-process gateway with a stub upstream.</summary>
public sealed class AutoRoutingApiTests : IDisposable
{
    private readonly GatewayFactory _factory = new();
    private readonly HttpClient _client;

    public AutoRoutingApiTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    private Task<HttpResponseMessage> Post(byte[] body, string? categoryHeader = null, HttpClient? client = null)
    {
        var content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        if (categoryHeader is not null)
        {
            request.Headers.Add("X-AspireRouter-Category", categoryHeader);
        }

        return (client ?? _client).SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task Auto_WithAnImage_GoesToTheMultimodalPrimary()
    {
        var response = await Post(Classifiers.Body("What's the total on this receipt?", image: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("qwen-3-vl-32b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("multimodal", Header(response, "X-AspireRouter-Category"));
        Assert.Equal("auto: 1 image part(s) -> multimodal", Header(response, "X-AspireRouter-Route-Reason"));
        Assert.Equal("qwen-3-vl-32b", Assert.Single(_factory.Stub.Requests).Model);
    }

    [Fact]
    public async Task Auto_ChinesePrompt_GoesToTheRegionalCnPrimary()
    {
        var response = await Post(Classifiers.Body("你好，我的订单已经三天了还没有发货，能帮我查一下吗？"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("glm-5", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("regional-cn", Header(response, "X-AspireRouter-Category"));
        Assert.Equal("auto: 100% CJK -> regional-cn", Header(response, "X-AspireRouter-Route-Reason"));
        var call = Assert.Single(_factory.Stub.Requests);
        Assert.Equal("http://glm.cn.test/v1/chat/completions", call.Uri.ToString());
        Assert.Contains("\"model\":\"glm-5\"", call.Body);
    }

    [Fact]
    public async Task CategoryHeaderAuto_ClassifiesTheRequest()
    {
        var response = await Post(Classifiers.Body("Prove that the square root of 2 is irrational.", model: "general"), categoryHeader: "auto");

        Assert.Equal("reasoning", Header(response, "X-AspireRouter-Category"));
        Assert.Equal("kimi-k2-5", Header(response, "X-AspireRouter-Model"));
        Assert.Matches(@"^auto: model reasoning (0\.\d\d|1\.00), strongest '[^']+' -> reasoning$", Header(response, "X-AspireRouter-Route-Reason"));
    }

    [Fact]
    public async Task Auto_QuantitativeProblemWithoutCueWords_GoesToReasoningWithTheModelsReason()
    {
        var response = await Post(Classifiers.Body("Ann is three times as old as her son. In 12 years she will be twice his age. How old is each now?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reasoning", Header(response, "X-AspireRouter-Category"));
        Assert.StartsWith("auto: model reasoning ", Header(response, "X-AspireRouter-Route-Reason"));
        Assert.Contains(", strongest '", Header(response, "X-AspireRouter-Route-Reason"));
    }

    [Fact]
    public async Task RulesMode_GivesTheRulesReason()
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Classifier:Mode"] = "Rules" });

        var response = await Post(Classifiers.Body("Prove that the square root of 2 is irrational."), client: factory.CreateClient());

        Assert.Equal("reasoning", Header(response, "X-AspireRouter-Category"));
        Assert.Equal("auto: reasoning cue 'prove' -> reasoning", Header(response, "X-AspireRouter-Route-Reason"));
    }
}
