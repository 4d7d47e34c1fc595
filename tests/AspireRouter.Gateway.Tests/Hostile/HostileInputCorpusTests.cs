using System.Net.Http.Headers;
using System.Text.Json;

namespace AspireRouter.Gateway.Tests.Hostile;

/// <summary>Every case of <see cref="HostileCorpus"/> gets its 4xx in OpenAI's error shape; none is a 500.</summary>
public sealed class HostileInputCorpusTests(HostileInputCorpusTests.CorpusGateway gateway) : IClassFixture<HostileInputCorpusTests.CorpusGateway>
{
    public sealed class CorpusGateway : IDisposable
    {
        public GatewayFactory Factory { get; } = new(new Dictionary<string, string>
        {
            ["Gateway:MaxRequestBodyBytes"] = HostileCorpus.MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        public void Dispose() => Factory.Dispose();
    }

    public static TheoryData<string> Names => new(HostileCorpus.Cases.Select(c => c.Name));

    [Fact]
    public void Corpus_HasAtLeastFortyDistinctCases() =>
        Assert.True(HostileCorpus.Cases.Select(c => c.Name).Distinct().Count() is var count && count >= 40 && count == HostileCorpus.Cases.Count,
            $"{HostileCorpus.Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Names))]
    public async Task HostileRequest_GetsItsStatusAndCode_InOpenAiErrorShape(string name)
    {
        var hostile = HostileCorpus.Cases.Single(c => c.Name == name);
        using var request = new HttpRequestMessage(new HttpMethod(hostile.Method), hostile.Path);
        if (hostile.Method != "GET")
        {
            HttpContent content = hostile.Chunked ? new StreamContent(new UnknownLengthStream(hostile.Body)) : new ByteArrayContent(hostile.Body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;
        }

        foreach (var (header, value) in hostile.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await gateway.Factory.CreateClient().SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(hostile.Status == (int)response.StatusCode, $"{name}: expected {hostile.Status}, got {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(hostile.Code, error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.True(error.TryGetProperty("param", out _));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain(gateway.Factory.Stub.Requests, r => r.Body.Contains("\"pad\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BoundaryValues_AreAccepted_AndForwarded()
    {
        using var response = await gateway.Factory.CreateClient().PostAsync("/v1/chat/completions", new StringContent(
            """{"model":"light","messages":[{"role":"user","content":"edge"}],"n":16,"temperature":2,"top_p":0,"presence_penalty":-2,"frequency_penalty":null,"max_tokens":1024}""",
            System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(gateway.Factory.Stub.Requests, r => r.Body.Contains("\"edge\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Parser_AcceptsTheLargestMaxTokens()
    {
        var request = AspireRouter.Gateway.Requests.ChatRequestParser.Parse(System.Text.Encoding.UTF8.GetBytes(
            """{"model":"light","messages":[{"role":"user","content":"x"}],"max_tokens":1048576}"""), out var error);

        Assert.Null(error);
        Assert.Equal(AspireRouter.Gateway.Requests.RequestLimits.MaxTokens, request!.MaxTokens);
    }

    /// <summary>A readable stream that hides its length, so the client sends the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
