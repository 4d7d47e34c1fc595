using System.Text;
using System.Text.Json;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>Builds classifiers and <c>auto</c> requests the way clients send them.</summary>
internal static class Classifiers
{
    public static RuleBasedClassifier Default(ClassifierOptions? options = null) =>
        new(Options.Create(options ?? new ClassifierOptions()), NullLogger<RuleBasedClassifier>.Instance);

    /// <summary>A chat request for <c>auto</c>: optional system message, then one user message (text, or text plus an image part).</summary>
    public static ChatRequest Request(string prompt, string? system = null, bool image = false, string extra = "")
    {
        var body = Body(prompt, system, image, extra);
        return ChatRequestParser.Parse(body, out var error) ?? throw new InvalidOperationException(error!.Message);
    }

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
