using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.ClassifierTraining;

/// <summary>One line of data/classifier/corpus.jsonl (or of the older hand-labeled sets, which have no task or split).</summary>
public sealed record LabeledPrompt
{
    [JsonPropertyName("id")] public int Id { get; init; }
    [JsonPropertyName("prompt")] public string Prompt { get; init; } = "";
    [JsonPropertyName("system")] public string? System { get; init; }
    [JsonPropertyName("image")] public bool Image { get; init; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; init; }

    /// <summary>Where <c>auto</c> must route the request.</summary>
    [JsonPropertyName("category")] public string Category { get; init; } = "";

    /// <summary>How hard the text is (light, general, reasoning), whatever its language or images: what the model learns.</summary>
    [JsonPropertyName("task")] public string? Task { get; init; }

    [JsonPropertyName("kind")] public string? Kind { get; init; }
    [JsonPropertyName("split")] public string? Split { get; init; }

    public bool IsTest => Split == "test";

    public static List<LabeledPrompt> Load(string path) =>
        File.ReadLines(path).Where(line => line.Trim().Length > 0).Select(line => JsonSerializer.Deserialize<LabeledPrompt>(line)!).ToList();

    /// <summary>The chat request a client would send for this prompt with <c>model: auto</c>.</summary>
    public ChatRequest ToRequest() =>
        ChatRequestParser.Parse(AutoRequest.Body(Prompt, System, Image, MaxTokens is { } max ? $",\"max_tokens\":{max}" : ""), out var error)
        ?? throw new InvalidOperationException(error!.Message);
}

/// <summary>Builds <c>auto</c> request bodies the way clients send them.</summary>
public static class AutoRequest
{
    /// <summary>A body for <paramref name="model"/>: optional system message, then one user message (text, or text plus an image part); <paramref name="extra"/> is appended JSON members.</summary>
    public static byte[] Body(string prompt, string? system = null, bool image = false, string extra = "", string model = "auto")
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("model", model);
            json.WriteStartArray("messages");
            if (system is not null)
            {
                json.WriteStartObject();
                json.WriteString("role", "system");
                json.WriteString("content", system);
                json.WriteEndObject();
            }

            json.WriteStartObject();
            json.WriteString("role", "user");
            if (image)
            {
                json.WriteStartArray("content");
                json.WriteStartObject();
                json.WriteString("type", "text");
                json.WriteString("text", prompt);
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("type", "image_url");
                json.WriteStartObject("image_url");
                json.WriteString("url", "data:image/png;base64,iVBORw0KGgo=");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteEndArray();
            }
            else
            {
                json.WriteString("content", prompt);
            }

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(stream.ToArray());
        return Encoding.UTF8.GetBytes(extra.Length == 0 ? text : text[..^1] + extra + "}");
    }
}
