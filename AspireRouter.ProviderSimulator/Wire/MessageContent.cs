using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>A message's content: either a plain string or a list of parts (text, image_url, …).</summary>
public sealed class MessageContent
{
    public MessageContent(string text) => Text = text;

    public MessageContent(List<ContentPart> parts) => Parts = parts;

    public string? Text { get; }

    public List<ContentPart>? Parts { get; }
}

/// <summary>One content part. Unknown part types are ignored, like unknown fields.</summary>
public sealed class ContentPart
{
    public const string TextType = "text";
    public const string ImageType = "image_url";

    public string? Type { get; init; }

    public string? Text { get; init; }

    [JsonIgnore]
    public bool IsImage => Type == ImageType;
}

/// <summary>Reads <c>content</c> as a string, an array of parts, or null.</summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => new MessageContent(reader.GetString()!),
            JsonTokenType.StartArray => new MessageContent(
                JsonSerializer.Deserialize(ref reader, PartsTypeInfo(options)) ?? []),
            _ => throw new JsonException("'content' must be a string or an array of content parts."),
        };

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Request content is never written back.");

    private static JsonTypeInfo<List<ContentPart>> PartsTypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<List<ContentPart>>)options.GetTypeInfo(typeof(List<ContentPart>));
}
