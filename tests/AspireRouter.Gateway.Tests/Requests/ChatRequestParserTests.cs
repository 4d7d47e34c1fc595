using System.Text;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Tests.Requests;

public class ChatRequestParserTests
{
    private static ChatRequest? Parse(string json, out RequestError? error) =>
        ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json), out error);

    [Fact]
    public void Parse_ReadsRoutingFields_AndSkipsTheRest()
    {
        var request = Parse("""
            {"model":"light","temperature":0.2,"seed":7,"x_vendor":{"deep":[1,2,{"a":null}]},
             "messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hello"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]}],
             "stream":true,"stream_options":{"include_usage":true},"max_tokens":64,
             "tools":[{"type":"function","function":{"name":"f"}}],"response_format":{"type":"json_object"},"user":"u-1"}
            """, out var error);

        Assert.Null(error);
        Assert.NotNull(request);
        Assert.Equal("light", request.Model);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);
        Assert.Equal(64, request.MaxTokens);
        Assert.Equal(2, request.MessageCount);
        Assert.Equal("be brief".Length + "hello".Length, request.TextBytes);
        Assert.Equal(1, request.ImageParts);
        Assert.True(request.HasTools);
        Assert.True(request.NeedsJsonMode);
        Assert.Equal("u-1", request.User);
    }

    [Fact]
    public void WithModel_ReplacesOnlyTheModelValue()
    {
        const string json = """{"messages":[{"role":"user","content":"hi \"model\""}], "model" : "light" ,"n":1,"x":{"model":"keep"}}""";
        var request = Parse(json, out _)!;

        var rewritten = Encoding.UTF8.GetString(request.WithModel("qwen-3-8b"));

        Assert.Equal(json.Replace("\"light\"", "\"qwen-3-8b\""), rewritten);
    }

    [Fact]
    public void WithModel_EscapedModelValue_IsReplacedWhole()
    {
        const string json = """{"model":"li\u0067ht","messages":[{"role":"user","content":"hi"}]}""";
        var request = Parse(json, out _)!;

        Assert.Equal("light", request.Model);
        Assert.Equal("""{"model":"glm-5","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8.GetString(request.WithModel("glm-5")));
    }

    [Theory]
    [InlineData(10, 20)]
    [InlineData(20, 10)]
    public void MaxTokensAndMaxCompletionTokens_TheLargerBoundsTheRequest(int maxTokens, int maxCompletionTokens)
    {
        // Providers differ in which one they honour: a small max_completion_tokens must not hide a large max_tokens.
        var request = Parse($$"""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":{{maxTokens}},"max_completion_tokens":{{maxCompletionTokens}}}""", out _)!;

        Assert.Equal(20, request.MaxTokens);
    }

    [Fact]
    public void IncludeUsage_WithoutStream_IsFalse()
    {
        var request = Parse("""{"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}""", out _)!;

        Assert.False(request.IncludeUsage);
    }

    [Theory]
    [InlineData("{", "invalid_json", null)]
    [InlineData("[]", "invalid_json", null)]
    [InlineData("{} {}", "invalid_json", null)]
    [InlineData("""{"messages":[{"role":"user","content":"x"}]}""", "missing_required_parameter", "model")]
    [InlineData("""{"model":42,"messages":[{"role":"user","content":"x"}]}""", "invalid_type", "model")]
    [InlineData("""{"model":"light"}""", "missing_required_parameter", "messages")]
    [InlineData("""{"model":"light","messages":[]}""", "empty_array", "messages")]
    [InlineData("""{"model":"light","messages":"hi"}""", "invalid_type", "messages")]
    [InlineData("""{"model":"light","messages":[42]}""", "invalid_type", "messages[0]")]
    [InlineData("""{"model":"light","messages":[{"content":"x"}]}""", "missing_required_parameter", "messages[0].role")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":42}]}""", "invalid_type", "messages[0].content")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":"x"}],"stream":"yes"}""", "invalid_type", "stream")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":"x"}],"max_tokens":-5}""", "invalid_value", "max_tokens")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":"x"}],"max_tokens":1e309}""", "invalid_value", "max_tokens")]
    [InlineData("""{"model":"light","messages":[{"role":"user","content":"x"}],"max_tokens":99999999999}""", "invalid_value", "max_tokens")]
    public void Parse_BadInput_GivesA400WithParamAndCode(string json, string code, string? param)
    {
        var request = Parse(json, out var error);

        Assert.Null(request);
        Assert.NotNull(error);
        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Parse_DeeplyNestedJson_IsRejectedNotCrashed()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        var request = Parse($$"""{"model":"light","messages":[{"role":"user","content":"x"}],"x":{{nested}}}""", out var error);

        Assert.Null(request);
        Assert.Equal("invalid_json", error!.Code);
    }
}
