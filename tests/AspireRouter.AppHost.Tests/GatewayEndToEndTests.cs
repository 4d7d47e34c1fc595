using System.ClientModel;
using System.Net.Http.Json;
using System.Text;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.AppHost.Tests;

/// <summary>The official OpenAI .NET SDK, unmodified, against the gateways of the running application.</summary>
[Collection(AppCollection.Name)]
public sealed class GatewayEndToEndTests(AspireRouterAppFixture fixture)
{
    /// <summary>A 1×1 PNG, enough for a vision request.</summary>
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private ChatClient Client(string model, string gateway = "gateway-global") =>
        new(model, new ApiKeyCredential("local-dev"), new OpenAIClientOptions
        {
            Endpoint = new Uri(fixture.GetBaseUri(gateway), "/v1"),
            NetworkTimeout = TimeSpan.FromSeconds(60),
        });

    private static string Header(ClientResult result, string name) =>
        result.GetRawResponse().Headers.TryGetValue(name, out var value) ? value! : "";

    [Theory]
    [InlineData("light", "qwen-3-8b")]
    [InlineData("general", "deepseek-v4-flash")]
    [InlineData("reasoning", "kimi-k2-5")]
    [InlineData("regional-cn", "glm-5")]
    public async Task OpenAiSdk_EveryTextCategory_IsAnsweredByItsPrimary(string category, string primary)
    {
        // Another test of the collection may have just taken a model down or slowed it (the simulator commands): the
        // live latency window and breakers hold that for a while after the fault is lifted. The primary answers once
        // they have let it back in.
        var client = Client(category);
        var result = await client.CompleteChatAsync([new UserChatMessage("Give me one sentence about routing.")]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (result.Value.Model != primary && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            result = await client.CompleteChatAsync([new UserChatMessage("Give me one sentence about routing.")]);
        }

        Assert.Equal(primary, result.Value.Model);
        Assert.False(string.IsNullOrWhiteSpace(result.Value.Content[0].Text));
        Assert.True(result.Value.Usage.InputTokenCount > 0);
        Assert.Equal(category, Header(result, "X-AspireRouter-Category"));
        Assert.Equal(primary, Header(result, "X-AspireRouter-Model"));
        Assert.Equal(category == "regional-cn" ? "cn" : "global", Header(result, "X-AspireRouter-Region"));
    }

    [Fact]
    public async Task OpenAiSdk_Multimodal_SendsTheImageToAVisionModel()
    {
        var result = await Client("multimodal").CompleteChatAsync(
        [
            new UserChatMessage(
                ChatMessageContentPart.CreateTextPart("What is in this picture?"),
                ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Png), "image/png")),
        ]);

        Assert.Contains(result.Value.Model, new[] { "qwen-3-vl-32b", "glm-4-6v" });
        Assert.Equal("multimodal", Header(result, "X-AspireRouter-Category"));
    }

    [Fact]
    public async Task OpenAiSdk_Streams_ThroughTheGateway()
    {
        var text = new StringBuilder();
        string? model = null;
        await foreach (var update in Client("light").CompleteChatStreamingAsync([new UserChatMessage("Count to five.")]))
        {
            model ??= update.Model;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        Assert.Equal("qwen-3-8b", model);
        Assert.True(text.Length > 10, $"streamed text too short: '{text}'");
    }

    [Fact]
    public async Task OpenAiSdk_CnGateway_ServesFromCnEndpoints()
    {
        var result = await Client("general", "gateway-cn").CompleteChatAsync([new UserChatMessage("hello")]);

        Assert.Equal("cn", Header(result, "X-AspireRouter-Region"));
    }

    [Fact]
    public async Task PrimaryTakenDown_ThroughTheSimulatorAdminApi_FallsBackToTheNextModel()
    {
        using var simulator = fixture.CreateHttpClient("providers-global");
        var down = await simulator.PutAsJsonAsync("/admin/faults/qwen-3-vl-32b", new { errorRate = 1.0, status = 503 });
        down.EnsureSuccessStatusCode();
        try
        {
            var result = await Client("multimodal").CompleteChatAsync(
            [
                new UserChatMessage(
                    ChatMessageContentPart.CreateTextPart("Describe this image."),
                    ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Png), "image/png")),
            ]);

            Assert.Equal("glm-4-6v", result.Value.Model);
            Assert.Equal("true", Header(result, "X-AspireRouter-Fallback"));
            // A fast 503 is retried on the same model at once (up to Gateway:FastFailureRetries, 3) before moving on.
            Assert.InRange(int.Parse(Header(result, "X-AspireRouter-Attempts"), System.Globalization.CultureInfo.InvariantCulture), 2, 5);
        }
        finally
        {
            (await simulator.DeleteAsync("/admin/faults/qwen-3-vl-32b")).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task BadInput_GetsAnOpenAiError_FromTheRunningGateway()
    {
        using var gateway = fixture.CreateHttpClient("gateway-global");

        var response = await gateway.PostAsync("/v1/chat/completions", new StringContent("{\"model\":", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"invalid_request_error\"", await response.Content.ReadAsStringAsync());
    }
}
