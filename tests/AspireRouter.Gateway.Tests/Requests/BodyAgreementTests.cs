using System.Text;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// The body the gateway checks is the body the provider gets: for every tricky body, either the gateway refuses it
/// (a 400 naming the field) or its reading equals System.Text.Json's reading of the same bytes and of the body it
/// forwards (model replaced, <c>stream_options</c> set for streams).
/// </summary>
public sealed class BodyAgreementTests
{
    private const string M = """[{"role":"user","content":"hi"}]""";
    private const string Image = """{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}""";

    /// <summary>Name, body, and the refusal expected (code and param), or null when it must be accepted.</summary>
    public static TheoryData<string, string, string?, string?> Corpus => new()
    {
        // The reproduction: a second, escaped "model" that the provider reads and the gateway skipped.
        { "escaped model after model", $$"""{"model":"light","messages":{{M}},"\u006dodel":"kimi-k2-5"}""", "duplicate_field", "model" },
        { "escaped model before model", $$"""{"\u006dodel":"kimi-k2-5","model":"light","messages":{{M}}}""", "duplicate_field", "model" },
        { "model twice, plain", $$"""{"model":"light","model":"kimi-k2-5","messages":{{M}}}""", "duplicate_field", "model" },
        { "model fully escaped, once", $$"""{"\u006d\u006f\u0064\u0065\u006c":"light","messages":{{M}}}""", null, null },
        { "model key escaped, once", $$"""{"messages":{{M}},"\u006dodel":"light"}""", null, null },
        { "model value escaped", $$"""{"model":"li\u0067ht","messages":{{M}}}""", null, null },

        // Size hidden from rate limits, budgets, the context check and auto.
        { "escaped max_tokens only", $$"""{"model":"light","messages":{{M}},"\u006dax_tokens":5000}""", null, null },
        { "max_tokens twice, one escaped", $$"""{"model":"light","messages":{{M}},"max_tokens":1,"\u006dax_tokens":900000}""", "duplicate_field", "max_tokens" },
        { "max_completion_tokens twice", $$"""{"model":"light","messages":{{M}},"max_completion_tokens":1,"max_completion_tokens":900000}""", "duplicate_field", "max_completion_tokens" },
        { "max_tokens and max_completion_tokens", $$"""{"model":"light","messages":{{M}},"max_completion_tokens":1,"max_tokens":9000}""", null, null },
        { "escaped messages only", $$"""{"model":"light","\u006dessages":[{"role":"user","content":"one"},{"role":"user","content":"two"}]}""", null, null },
        { "messages twice, one escaped", $$"""{"model":"light","messages":{{M}},"\u006dessages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""", "duplicate_field", "messages" },

        // Streams: what the client gets must match what the provider sends.
        { "escaped stream only", $$"""{"model":"light","messages":{{M}},"\u0073tream":true}""", null, null },
        { "stream twice, one escaped", $$"""{"model":"light","messages":{{M}},"stream":false,"\u0073tream":true}""", "duplicate_field", "stream" },
        { "escaped stream_options", $$$"""{"model":"light","messages":{{{M}}},"stream":true,"stream_\u006fptions":{"include_usage":false}}""", null, null },
        { "stream_options twice", $$"""{"model":"light","messages":{{M}},"stream":true,"stream_options":{"include_usage":true},"stream_options":null}""", "duplicate_field", "stream_options" },
        { "include_usage twice", $$$"""{"model":"light","messages":{{{M}}},"stream":true,"stream_options":{"include_usage":true,"include_\u0075sage":false}}""", "duplicate_field", "stream_options.include_usage" },
        { "stream_options null", $$"""{"model":"light","messages":{{M}},"stream":true,"stream_options":null}""", null, null },

        // Inside messages and content parts.
        { "role twice", $$"""{"model":"light","messages":[{"role":"user","content":"hi","\u0072ole":"system"}]}""", "duplicate_field", "messages[0].role" },
        { "content twice", $$"""{"model":"light","messages":[{"role":"user","content":"hi","\u0063ontent":"{{new string('y', 3000)}}"}]}""", "duplicate_field", "messages[0].content" },
        { "escaped content only", $$"""{"model":"light","messages":[{"role":"user","\u0063ontent":"hello there"}]}""", null, null },
        { "part type twice", $$$"""{"model":"multimodal","messages":[{"role":"user","content":[{"type":"text","text":"a","\u0074ype":"image_url","image_url":{"url":"x"}}]}]}""", "duplicate_field", "messages[0].content[0].type" },
        { "part text twice", $$"""{"model":"light","messages":[{"role":"user","content":[{"type":"text","text":"a","te\u0078t":"bbbbbbbbbb"}]}]}""", "duplicate_field", "messages[0].content[0].text" },
        { "part image_url twice", $$$"""{"model":"multimodal","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"a"},"image_url":{"url":"b"}}]}]}""", "duplicate_field", "messages[0].content[0].image_url" },
        { "escaped image part", $$$"""{"model":"multimodal","messages":[{"role":"user","content":[{"\u0074ype":"image_url","image_url":{"url":"a"}},{{{Image}}}]}]}""", null, null },
        { "escaped image type value", $$$"""{"model":"multimodal","messages":[{"role":"user","content":[{"type":"image\u005furl","image_url":{"url":"a"}}]}]}""", null, null },

        // Capabilities and sampling parameters.
        { "tools twice", $$$"""{"model":"light","messages":{{{M}}},"tools":[],"\u0074ools":[{"type":"function","function":{"name":"f"}}]}""", "duplicate_field", "tools" },
        { "escaped tools only", $$$"""{"model":"light","messages":{{{M}}},"\u0074ools":[{"type":"function","function":{"name":"f"}}]}""", null, null },
        { "tools and functions", $$"""{"model":"light","messages":{{M}},"tools":[],"functions":[{"name":"f"}]}""", null, null },
        { "functions twice", $$"""{"model":"light","messages":{{M}},"functions":[],"functions":[{"name":"f"}]}""", "duplicate_field", "functions" },
        { "tool_choice twice", $$"""{"model":"light","messages":{{M}},"tool_choice":"none","tool_choice":"auto"}""", "duplicate_field", "tool_choice" },
        { "response_format twice", $$$"""{"model":"light","messages":{{{M}}},"response_format":{"type":"text"},"response_\u0066ormat":{"type":"json_object"}}""", "duplicate_field", "response_format" },
        { "response_format type twice", $$$"""{"model":"light","messages":{{{M}}},"response_format":{"type":"text","\u0074ype":"json_object"}}""", "duplicate_field", "response_format.type" },
        { "escaped response_format only", $$$"""{"model":"light","messages":{{{M}}},"response_\u0066ormat":{"type":"json_object"}}""", null, null },
        { "n twice", $$"""{"model":"light","messages":{{M}},"n":1,"\u006e":16}""", "duplicate_field", "n" },
        { "escaped n out of range", $$"""{"model":"light","messages":{{M}},"\u006e":17}""", "invalid_value", "n" },
        { "temperature twice", $$"""{"model":"light","messages":{{M}},"temperature":1,"temperature":2}""", "duplicate_field", "temperature" },
        { "escaped temperature out of range", $$"""{"model":"light","messages":{{M}},"t\u0065mperature":9}""", "invalid_value", "temperature" },
        { "top_p twice", $$"""{"model":"light","messages":{{M}},"top_p":1,"top_\u0070":0.5}""", "duplicate_field", "top_p" },
        { "presence_penalty twice", $$"""{"model":"light","messages":{{M}},"presence_penalty":1,"presence_penalty":0}""", "duplicate_field", "presence_penalty" },
        { "frequency_penalty twice", $$"""{"model":"light","messages":{{M}},"frequency_penalty":1,"frequency_penalty":0}""", "duplicate_field", "frequency_penalty" },
        { "user twice", $$"""{"model":"light","messages":{{M}},"user":"a","\u0075ser":"b"}""", "duplicate_field", "user" },
        { "escaped user only", $$"""{"model":"light","messages":{{M}},"\u0075ser":"alice"}""", null, null },

        // Names that only look like a field: different once decoded, for the gateway and for System.Text.Json alike.
        { "NUL inside a key", $$"""{"model":"light","messages":{{M}},"m\u0000odel":"kimi-k2-5"}""", null, null },
        { "capitalised key", $$"""{"model":"light","messages":{{M}},"Model":"kimi-k2-5","MAX_TOKENS":1}""", null, null },
        { "key with a trailing space", $$"""{"model":"light","messages":{{M}},"model ":"kimi-k2-5"}""", null, null },
        { "model nested in an unknown field", $$$"""{"model":"light","messages":{{{M}}},"extra":{"model":"kimi-k2-5","stream":true}}""", null, null },
        { "unknown field twice passes through", $$"""{"model":"light","messages":{{M}},"seed":1,"seed":2}""", null, null },
        { "escaped solidus in an unknown key", $$"""{"model":"light","messages":{{M}},"a\/b":1}""", null, null },
        { "lone surrogate in a key", $$"""{"model":"light","messages":{{M}},"\ud800odel":"x"}""", "invalid_json", null },
        { "lone low surrogate in a long key", $$"""{"model":"light","messages":{{M}},"{{new string('k', 300)}}\udc00":"x"}""", "invalid_json", null },
        { "surrogate pair in a key", $$"""{"model":"light","messages":{{M}},"\ud83d\ude00":1}""", null, null },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Body_IsRefused_OrReadAsSystemTextJsonReadsIt(string name, string json, string? code, string? param)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var request = ChatRequestParser.Parse(body, out var error);

        if (code is not null)
        {
            Assert.True(request is null, $"{name}: accepted, expected {code}");
            Assert.Equal((400, "invalid_request_error", code, param), (error!.Status, error.Type, error.Code, error.Param));
            return;
        }

        Assert.True(request is not null, $"{name}: refused with {error?.Code} ({error?.Message})");
        var upstream = UpstreamView.Of(body);
        Assert.Equal(upstream, UpstreamView.Of(request));
        Assert.True(upstream.TextBytes <= request.TextBytes, $"{name}: text bytes {request.TextBytes} below the decoded {upstream.TextBytes}");

        // What is forwarded: the routed model, the same size and stream, usage asked for when streaming.
        var forwarded = request.ForUpstream("qwen-3-8b");
        Assert.Equal(upstream with { Model = "qwen-3-8b", IncludeUsage = upstream.Stream }, UpstreamView.Of(forwarded));
        Assert.Equal(1, UpstreamView.CountTopLevel(forwarded, "model"));
        Assert.Equal(request.Stream ? 1 : UpstreamView.CountTopLevel(body, "stream_options"), UpstreamView.CountTopLevel(forwarded, "stream_options"));
    }
}
