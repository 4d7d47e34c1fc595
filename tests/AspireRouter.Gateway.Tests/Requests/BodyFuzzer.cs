using System.Globalization;
using System.Text;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// Random chat completion bodies for <see cref="BodyFuzzTests"/>, deterministic for a seed: plausible requests, then
/// escaped and duplicated property names (top level, in messages and in content parts), control characters, lone
/// surrogates and invalid escapes, deep nesting, extreme lengths and numbers, truncation and flipped bytes.
/// </summary>
internal sealed class BodyFuzzer(int seed)
{
    private static readonly string[] Models =
        ["light", "general", "reasoning", "multimodal", "regional-cn", "auto", "qwen-3-8b", "kimi-k2-5", "glm-5", "deepseek-v4-flash", "gpt-17", ""];

    private static readonly string[] Texts =
    [
        "hello", "Say hi in five words.", "Think step by step and prove that 17 is prime.", "你好，请用中文回答这个问题。", "def f(x):\\n    return x * 2",
        "a \\\"quoted\\\" word", "caf\\u00e9", "emoji \\ud83d\\ude00 😀", "tab\\there", "line\\nbreak", "\\/slash", "SELECT * FROM t;", "",
    ];

    private readonly Random _random = new(seed);

    /// <summary>One body and the headers to send with it.</summary>
    public (byte[] Body, Dictionary<string, string> Headers) Next()
    {
        var fields = new List<(string Name, string Value)>
        {
            ("model", Model()),
            ("messages", Messages()),
        };
        AddSometimes(fields, 0.4, "stream", () => Pick("true", "false", "null", "\"yes\""));
        AddSometimes(fields, 0.25, "stream_options", () => Pick("{\"include_usage\":true}", "{\"include_usage\":false}", "null", "{}", "{\"include_usage\":true,\"include_usage\":false}"));
        AddSometimes(fields, 0.35, "max_tokens", TokenCount);
        AddSometimes(fields, 0.15, "max_completion_tokens", TokenCount);
        AddSometimes(fields, 0.1, "n", () => Pick("1", "2", "16", "17", "0", "\"2\""));
        AddSometimes(fields, 0.15, "temperature", () => Pick("0", "0.7", "2", "2.5", "-1", "1e400"));
        AddSometimes(fields, 0.1, "top_p", () => Pick("0", "1", "1.5"));
        AddSometimes(fields, 0.1, "tools", () => Pick("[]", "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]", "null"));
        AddSometimes(fields, 0.05, "functions", () => Pick("[]", "[{\"name\":\"f\"}]"));
        AddSometimes(fields, 0.05, "tool_choice", () => Pick("\"none\"", "\"auto\""));
        AddSometimes(fields, 0.1, "response_format", () => Pick("{\"type\":\"text\"}", "{\"type\":\"json_object\"}", "{\"type\":\"json_schema\",\"json_schema\":{}}"));
        AddSometimes(fields, 0.15, "user", () => Pick("\"alice\"", "\"b\\u006fb\"", "42", "\"u-" + _random.Next(1000) + "\""));
        AddSometimes(fields, 0.1, "seed", () => _random.Next().ToString(CultureInfo.InvariantCulture));
        AddSometimes(fields, 0.05, "x_vendor", () => Nested(_random.Next(1, 80)));
        AddSometimes(fields, 0.03, "pad", () => Quote(new string('p', Pick(1_000, 60_000, 300_000))));

        if (Chance(0.3))
        {
            // The same field again, with another value: what the abusive client sends.
            var twin = fields[_random.Next(fields.Count)];
            var value = twin.Name switch
            {
                "model" => Model(),
                "messages" => Messages(),
                "max_tokens" or "max_completion_tokens" => TokenCount(),
                _ => twin.Value,
            };
            fields.Insert(_random.Next(fields.Count + 1), (twin.Name, value));
        }

        Shuffle(fields);
        var json = "{" + string.Join(",", fields.Select(f => Key(f.Name) + ":" + f.Value)) + "}";
        var body = Encoding.UTF8.GetBytes(Corrupt(json));
        if (Chance(0.02) && body.Length > 0)
        {
            body[_random.Next(body.Length)] ^= (byte)(1 << _random.Next(8));
        }

        var headers = new Dictionary<string, string>();
        if (Chance(0.1))
        {
            headers["X-AspireRouter-Category"] = Pick("light", "general", "reasoning", "multimodal", "everything");
        }

        return (body, headers);
    }

    private string Model() => Chance(0.05) ? Pick("7", "null", "{}") : Quote(Models[_random.Next(Models.Length)]);

    private string TokenCount() => Chance(0.15)
        ? Pick("0", "-1", "1.5", "1e400", "99999999999999999999", "\"100\"", "null")
        : _random.Next(1, 5000).ToString(CultureInfo.InvariantCulture);

    private string Messages()
    {
        if (Chance(0.03))
        {
            return Pick("[]", "{}", "\"hi\"", "[42]");
        }

        var messages = Enumerable.Range(0, _random.Next(1, 4)).Select(_ =>
        {
            var fields = new List<(string Name, string Value)>();
            if (!Chance(0.02))
            {
                fields.Add(("role", Chance(0.02) ? "1" : Quote(Pick("user", "system", "assistant", "developer"))));
            }

            fields.Add(("content", Content()));
            AddSometimes(fields, 0.05, "name", () => Quote("n"));
            if (Chance(0.08))
            {
                var twin = fields[_random.Next(fields.Count)];
                fields.Add((twin.Name, twin.Name == "content" ? Content() : twin.Value));
            }

            Shuffle(fields);
            return "{" + string.Join(",", fields.Select(f => Key(f.Name) + ":" + f.Value)) + "}";
        });
        return "[" + string.Join(",", messages) + "]";
    }

    private string Content()
    {
        if (Chance(0.6))
        {
            return Chance(0.03) ? Pick("5", "null") : Quote(Text());
        }

        var parts = Enumerable.Range(0, _random.Next(1, 4)).Select(_ =>
        {
            var fields = Chance(0.7)
                ? new List<(string Name, string Value)> { ("type", Quote("text")), ("text", Quote(Text())) }
                : [("type", Quote(Pick("image_url", "image\\u005furl", "input_image"))), ("image_url", "{\"url\":\"data:image/png;base64,AAAA\"}")];
            if (Chance(0.08))
            {
                var twin = fields[_random.Next(fields.Count)];
                fields.Add((twin.Name, twin.Name == "type" ? Quote(Pick("text", "image_url")) : twin.Value));
            }

            Shuffle(fields);
            return "{" + string.Join(",", fields.Select(f => Key(f.Name) + ":" + f.Value)) + "}";
        });
        return "[" + string.Join(",", parts) + "]";
    }

    private string Text() => string.Join(" ", Enumerable.Range(0, _random.Next(1, 4)).Select(_ => Texts[_random.Next(Texts.Length)]));

    /// <summary>A property name, sometimes with some of its characters written as <c>\uXXXX</c> escapes.</summary>
    private string Key(string name)
    {
        if (!Chance(0.15))
        {
            return Quote(name);
        }

        var key = new StringBuilder("\"");
        foreach (var c in name)
        {
            key.Append(Chance(0.4) ? string.Create(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}") : c.ToString());
        }

        return key.Append('"').ToString();
    }

    /// <summary>Inserts what a JSON reader must refuse or treat with care into a random string of the body.</summary>
    private string Corrupt(string json)
    {
        if (Chance(0.03) && json.Length > 1)
        {
            return json[.._random.Next(1, json.Length)]; // truncated
        }

        if (!Chance(0.12))
        {
            return json;
        }

        var quote = json.IndexOf('"', _random.Next(json.Length));
        if (quote < 0)
        {
            return json;
        }

        var inserted = Pick("\u0001", "\u001f", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\x", "\\u12G4", "\\u0000", "\u007f", "\\uFFFF", "\n");
        return json[..(quote + 1)] + inserted + json[(quote + 1)..];
    }

    private static string Nested(int depth) => new string('[', depth) + "{\"model\":\"kimi-k2-5\"}" + new string(']', depth);

    private static string Quote(string text) => "\"" + text + "\"";

    private void AddSometimes(List<(string, string)> fields, double probability, string name, Func<string> value)
    {
        if (Chance(probability))
        {
            fields.Add((name, value()));
        }
    }

    private bool Chance(double probability) => _random.NextDouble() < probability;

    private T Pick<T>(params T[] options) => options[_random.Next(options.Length)];

    private void Shuffle<T>(List<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
