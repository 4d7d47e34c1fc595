using System.Text;

namespace AspireRouter.Gateway.Tests.Hostile;

/// <summary>
/// The hostile-input corpus: malformed JSON, wrong types, huge numbers, invalid UTF-8, deep nesting, oversized bodies,
/// out-of-range parameters and bad headers. Each case names the status and OpenAI error code it must get; none may
/// be a 500. <see cref="MaxBodyBytes"/> is the cap the corpus' gateway runs with.
/// </summary>
public static class HostileCorpus
{
    public const int MaxBodyBytes = 64 * 1024;

    private const string Messages = """[{"role":"user","content":"hi"}]""";

    private static string With(string fields) => $$"""{"model":"light","messages":{{Messages}},{{fields}}}""";

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static byte[] Utf8(params object[] parts) =>
        [.. parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p)];

    public static IReadOnlyList<HostileCase> Cases { get; } =
    [
        // Not JSON, or not one JSON object.
        HostileCase.Json("empty body", "", 400, "empty_body"),
        HostileCase.Json("whitespace only", "   \n\t ", 400, "invalid_json"),
        HostileCase.Json("literal null", "null", 400, "invalid_json"),
        HostileCase.Json("top-level array", "[]", 400, "invalid_json"),
        HostileCase.Json("top-level string", "\"chat\"", 400, "invalid_json"),
        HostileCase.Json("top-level number", "42", 400, "invalid_json"),
        HostileCase.Json("truncated object", """{"model":"light","messages":[""", 400, "invalid_json"),
        HostileCase.Json("trailing garbage", $$"""{"model":"light","messages":{{Messages}}} trailing""", 400, "invalid_json"),
        HostileCase.Json("two objects", $$"""{"model":"light","messages":{{Messages}}}{"model":"light"}""", 400, "invalid_json"),
        HostileCase.Json("single quotes", "{'model':'light','messages':[]}", 400, "invalid_json"),
        HostileCase.Json("trailing comma", $$"""{"model":"light","messages":{{Messages}},}""", 400, "invalid_json"),
        HostileCase.Json("comment", $$"""{/* hi */"model":"light","messages":{{Messages}}}""", 400, "invalid_json"),
        HostileCase.Json("NaN literal", With("\"temperature\":NaN"), 400, "invalid_json"),
        HostileCase.Json("unescaped control character", "{\"model\":\"light\",\"messages\":[{\"role\":\"user\",\"content\":\"a\u0001b\"}]}", 400, "invalid_json"),
        HostileCase.Json("lone surrogate in model", """{"model":"\ud800","messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_json"),
        HostileCase.Json("lone surrogate in content", """{"model":"light","messages":[{"role":"user","content":"hi \udc00"}]}""", 400, "invalid_json"),

        // Property names compared as JSON defines them (escapes decoded): a field the gateway reads, given twice.
        HostileCase.Json("escaped second model", $$"""{"model":"light","messages":{{Messages}},"\u006dodel":"kimi-k2-5"}""", 400, "duplicate_field"),
        HostileCase.Json("escaped second max_tokens", With("\"max_tokens\":1,\"\\u006dax_tokens\":900000"), 400, "duplicate_field"),
        HostileCase.Json("duplicate role in a message", """{"model":"light","messages":[{"role":"user","role":"system","content":"hi"}]}""", 400, "duplicate_field"),

        // Bytes that are not UTF-8.
        HostileCase.Bytes("invalid UTF-8 in content", Utf8("{\"model\":\"light\",\"messages\":[{\"role\":\"user\",\"content\":\"", new byte[] { 0xC3, 0x28 }, "\"}]}"), 400, "invalid_encoding"),
        HostileCase.Bytes("overlong UTF-8 encoding", Utf8("{\"model\":\"light\",\"messages\":[{\"role\":\"user\",\"content\":\"", new byte[] { 0xC0, 0xAF }, "\"}]}"), 400, "invalid_encoding"),
        HostileCase.Bytes("UTF-16 body", Encoding.Unicode.GetBytes($$"""{"model":"light","messages":{{Messages}}}"""), 400, "invalid_json"),
        HostileCase.Bytes("UTF-8 byte order mark", Utf8(new byte[] { 0xEF, 0xBB, 0xBF }, $$"""{"model":"light","messages":{{Messages}}}"""), 400, "invalid_json"),

        // Deep nesting.
        HostileCase.Json("nesting 65 deep in an unknown field", With($"\"x\":{Nested(65)}"), 400, "invalid_json"),
        HostileCase.Json("nesting 10000 deep", With($"\"x\":{Nested(10_000)}"), 400, "invalid_json"),
        HostileCase.Json("unclosed nesting 5000 deep", "{\"x\":" + new string('[', 5000), 400, "invalid_json"),

        // Wrong types and missing fields.
        HostileCase.Json("model is a number", $$"""{"model":7,"messages":{{Messages}}}""", 400, "invalid_type"),
        HostileCase.Json("model missing", $$"""{"messages":{{Messages}}}""", 400, "missing_required_parameter"),
        HostileCase.Json("model empty", $$"""{"model":"","messages":{{Messages}}}""", 400, "missing_required_parameter"),
        HostileCase.Json("unknown model", $$"""{"model":"gpt-17-ultra","messages":{{Messages}}}""", 404, "model_not_found"),
        HostileCase.Json("messages missing", """{"model":"light"}""", 400, "missing_required_parameter"),
        HostileCase.Json("messages empty", """{"model":"light","messages":[]}""", 400, "empty_array"),
        HostileCase.Json("messages is an object", """{"model":"light","messages":{"role":"user"}}""", 400, "invalid_type"),
        HostileCase.Json("message is a string", """{"model":"light","messages":["hi"]}""", 400, "invalid_type"),
        HostileCase.Json("message without role", """{"model":"light","messages":[{"content":"hi"}]}""", 400, "missing_required_parameter"),
        HostileCase.Json("role is a number", """{"model":"light","messages":[{"role":1,"content":"hi"}]}""", 400, "invalid_type"),
        HostileCase.Json("content is a number", """{"model":"light","messages":[{"role":"user","content":5}]}""", 400, "invalid_type"),
        HostileCase.Json("content part is a string", """{"model":"light","messages":[{"role":"user","content":["hi"]}]}""", 400, "invalid_type"),
        HostileCase.Json("stream is a string", With("\"stream\":\"yes\""), 400, "invalid_type"),

        // Counts past the caps.
        HostileCase.Json("2049 messages", $$"""{"model":"light","messages":[{{string.Join(',', Enumerable.Repeat("""{"role":"user"}""", 2049))}}]}""", 400, "too_many_messages"),
        HostileCase.Json("257 content parts", $$"""{"model":"light","messages":[{"role":"user","content":[{{string.Join(',', Enumerable.Repeat("""{"type":"text","text":"a"}""", 257))}}]}]}""", 400, "too_many_content_parts"),

        // Numbers out of range, huge or of the wrong kind.
        HostileCase.Json("max_tokens zero", With("\"max_tokens\":0"), 400, "invalid_value"),
        HostileCase.Json("max_tokens negative", With("\"max_tokens\":-1"), 400, "invalid_value"),
        HostileCase.Json("max_tokens fractional", With("\"max_tokens\":1.5"), 400, "invalid_value"),
        HostileCase.Json("max_tokens 1e400", With("\"max_tokens\":1e400"), 400, "invalid_value"),
        HostileCase.Json("max_tokens 30 digits", With("\"max_tokens\":123456789012345678901234567890"), 400, "invalid_value"),
        HostileCase.Json("max_tokens above the cap", With("\"max_tokens\":2000000"), 400, "invalid_value"),
        HostileCase.Json("max_tokens as a string", With("\"max_tokens\":\"100\""), 400, "invalid_value"),
        HostileCase.Json("max_completion_tokens above int", With("\"max_completion_tokens\":4294967296"), 400, "invalid_value"),
        HostileCase.Json("n zero", With("\"n\":0"), 400, "invalid_value"),
        HostileCase.Json("n above the cap", With("\"n\":17"), 400, "invalid_value"),
        HostileCase.Json("n as a string", With("\"n\":\"2\""), 400, "invalid_value"),
        HostileCase.Json("temperature above 2", With("\"temperature\":2.5"), 400, "invalid_value"),
        HostileCase.Json("temperature negative", With("\"temperature\":-0.1"), 400, "invalid_value"),
        HostileCase.Json("temperature 1e400", With("\"temperature\":1e400"), 400, "invalid_value"),
        HostileCase.Json("temperature as a string", With("\"temperature\":\"hot\""), 400, "invalid_value"),
        HostileCase.Json("top_p above 1", With("\"top_p\":1.5"), 400, "invalid_value"),
        HostileCase.Json("presence_penalty above 2", With("\"presence_penalty\":3"), 400, "invalid_value"),
        HostileCase.Json("frequency_penalty an object", With("\"frequency_penalty\":{}"), 400, "invalid_value"),

        // Size.
        HostileCase.Json("body over the cap", With($"\"pad\":\"{new string('a', MaxBodyBytes)}\""), 413, "request_too_large"),
        HostileCase.Json("chunked body over the cap", With($"\"pad\":\"{new string('a', MaxBodyBytes)}\""), 413, "request_too_large") with { Chunked = true },

        // Headers, method and path.
        HostileCase.Json("team header with spaces", With("\"n\":1"), 400, "invalid_team") with { Headers = new Dictionary<string, string> { ["X-AspireRouter-Team"] = "a team" } },
        HostileCase.Json("team header too long", With("\"n\":1"), 400, "invalid_team") with { Headers = new Dictionary<string, string> { ["X-AspireRouter-Team"] = new string('t', 65) } },
        HostileCase.Json("timeout header not a number", With("\"n\":1"), 400, "invalid_timeout") with { Headers = new Dictionary<string, string> { ["X-AspireRouter-Timeout-Ms"] = "soon" } },
        HostileCase.Json("timeout header huge", With("\"n\":1"), 400, "invalid_timeout") with { Headers = new Dictionary<string, string> { ["X-AspireRouter-Timeout-Ms"] = "99999999999999999999" } },
        HostileCase.Json("unknown category header", With("\"n\":1"), 404, "model_not_found") with { Headers = new Dictionary<string, string> { ["X-AspireRouter-Category"] = "everything" } },
        HostileCase.Json("GET on chat completions", "", 405, "method_not_allowed") with { Method = "GET" },
        HostileCase.Json("unknown path", With("\"n\":1"), 404, "unknown_url") with { Path = "/v1/chat/completions/../../etc/passwd" },
    ];
}
