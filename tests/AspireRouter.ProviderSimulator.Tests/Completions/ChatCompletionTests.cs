using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Completions;

public sealed class ChatCompletionTests(SimulatorFactory factory) : IClassFixture<SimulatorFactory>
{
    private readonly HttpClient _client = factory.CreateAuthorizedClient();

    [Fact]
    public async Task ChatCompletion_ShortPrompt_ReturnsOpenAiCompletionWithUsage()
    {
        using var response = await _client.PostChatAsync(Chat("qwen-3-8b", "Hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var completion = await response.ReadJsonAsync();
        Assert.StartsWith("chatcmpl-", completion.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal("qwen-3-8b", completion.GetProperty("model").GetString());
        Assert.InRange(completion.GetProperty("created").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());

        var choice = Assert.Single(completion.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.False(string.IsNullOrWhiteSpace(choice.GetProperty("message").GetProperty("content").GetString()));
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());

        var usage = completion.GetProperty("usage");
        // "Hello" is one o200k token, plus 4 per message and 3 for the reply priming.
        Assert.Equal(8, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.InRange(usage.GetProperty("completion_tokens").GetInt32(), 30, 70);
        Assert.Equal(
            usage.GetProperty("prompt_tokens").GetInt32() + usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletion_LongerPrompt_ReportsMorePromptTokens()
    {
        using var shortResponse = await _client.PostChatAsync(Chat("deepseek-v4-flash", "Summarise this."));
        using var longResponse = await _client.PostChatAsync(Chat("deepseek-v4-flash", string.Concat(Enumerable.Repeat("Summarise this paragraph about routing. ", 200))));

        var shortTokens = (await shortResponse.ReadJsonAsync()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        var longTokens = (await longResponse.ReadJsonAsync()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.InRange(longTokens, shortTokens + 1000, shortTokens + 2000);
    }

    [Fact]
    public async Task ChatCompletion_ReasoningModel_CountsReasoningTokensInsideCompletionTokens()
    {
        using var response = await _client.PostChatAsync(Chat("deepseek-r1"));

        var usage = (await response.ReadJsonAsync()).GetProperty("usage");
        var reasoning = usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        Assert.True(reasoning > 0);
        Assert.True(usage.GetProperty("completion_tokens").GetInt32() > reasoning);
    }

    [Fact]
    public async Task ChatCompletion_MaxTokensBelowAnswerLength_StopsWithLength()
    {
        using var response = await _client.PostChatAsync(Chat("glm-4-9b", extra: new JsonObject { ["max_tokens"] = 5 }));

        var completion = await response.ReadJsonAsync();
        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(5, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletion_MaxCompletionTokensOnReasoningModel_CapsReasoningAndContentTogether()
    {
        using var response = await _client.PostChatAsync(Chat("kimi-k2-5", extra: new JsonObject { ["max_completion_tokens"] = 10 }));

        var completion = await response.ReadJsonAsync();
        Assert.Equal("length", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(10, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletion_NThree_ReturnsThreeChoicesAndSumsTheirTokens()
    {
        using var response = await _client.PostChatAsync(Chat("qwen-3-32b", extra: new JsonObject { ["n"] = 3, ["max_tokens"] = 4 }));

        var completion = await response.ReadJsonAsync();
        var choices = completion.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(c => c.GetProperty("index").GetInt32()));
        Assert.Equal(12, completion.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatCompletion_SameSeed_RepeatsTheWords()
    {
        var body = Chat("qwen-3-8b", extra: new JsonObject { ["seed"] = 42, ["max_tokens"] = 8 });

        using var first = await _client.PostChatAsync(body);
        using var second = await _client.PostChatAsync(body);

        Assert.Equal(
            (await first.ReadJsonAsync()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            (await second.ReadJsonAsync()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletion_JsonObjectResponseFormat_AnswersWithJson()
    {
        using var response = await _client.PostChatAsync(Chat("deepseek-v4-flash", extra: new JsonObject
        {
            ["response_format"] = new JsonObject { ["type"] = "json_object" },
        }));

        var content = (await response.ReadJsonAsync()).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        using var answer = JsonDocument.Parse(content);
        Assert.Equal(JsonValueKind.String, answer.RootElement.GetProperty("answer").ValueKind);
    }

    [Fact]
    public async Task ChatCompletion_ToolsAndUnknownFields_AreAcceptedByAToolModel()
    {
        using var response = await _client.PostChatAsync(Chat("qwen-3-8b", extra: new JsonObject
        {
            ["tools"] = JsonNode.Parse("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{}}}}]"""),
            ["tool_choice"] = "auto",
            ["temperature"] = 0.2,
            ["enable_thinking"] = false,
        }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ChatCompletion_ImageToTextOnlyModel_Returns400()
    {
        using var response = await _client.PostChatAsync(WithImage("qwen-3-8b"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadErrorAsync();
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages.[0].content.[1].type", error.GetProperty("param").GetString());
        Assert.Contains("image_url", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletion_ImageToVisionModel_Returns200AndBillsTheImage()
    {
        using var response = await _client.PostChatAsync(WithImage("qwen-3-vl-32b"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var promptTokens = (await response.ReadJsonAsync()).GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.InRange(promptTokens, 85 + 7, 85 + 20);
    }

    [Fact]
    public async Task ChatCompletion_PromptPlusMaxTokensBeyondContextWindow_Returns400ContextLengthExceeded()
    {
        // qwen-3-8b has a 32,768-token window; " hello" is one token.
        var prompt = string.Concat(Enumerable.Repeat(" hello", 30_000));

        using var response = await _client.PostChatAsync(Chat("qwen-3-8b", prompt, new JsonObject { ["max_tokens"] = 4000 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.ReadErrorAsync();
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("32768", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletion_UnknownModel_Returns404ModelNotFound()
    {
        using var response = await _client.PostChatAsync(Chat("gpt-9"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = await response.ReadErrorAsync();
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task ChatCompletion_InvalidJson_Returns400()
    {
        using var response = await _client.PostAsync(ChatPath, new StringContent("{\"model\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", (await response.ReadErrorAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"model":"qwen-3-8b"}""", "messages")]
    [InlineData("""{"model":"qwen-3-8b","messages":[]}""", "messages")]
    [InlineData("""{"model":"qwen-3-8b","messages":[{"role":"wizard","content":"hi"}]}""", "messages.[0].role")]
    [InlineData("""{"model":"qwen-3-8b","messages":[{"role":"user","content":"hi"}],"n":9}""", "n")]
    [InlineData("""{"model":"qwen-3-8b","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"model":"qwen-3-8b","messages":[{"role":"user","content":"hi"}],"max_tokens":100000}""", "max_tokens")]
    [InlineData("""{"model":"deepseek-r1","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f"}}]}""", "tools")]
    [InlineData("""{"model":"glm-4-9b","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_object"}}""", "response_format")]
    public async Task ChatCompletion_InvalidParameter_Returns400NamingIt(string body, string param)
    {
        using var response = await _client.PostChatAsync(JsonNode.Parse(body)!);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.ReadErrorAsync()).GetProperty("param").GetString());
    }

    private static JsonObject WithImage(string model) => new()
    {
        ["model"] = model,
        ["messages"] = new JsonArray(new JsonObject
        {
            ["role"] = "user",
            ["content"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "What is in this picture?" },
                new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "data:image/png;base64,iVBORw0KGgo=" } }),
        }),
    };
}
