using System.Text;
using System.Text.Json;
using AspireRouter.Gateway.Requests;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// What a provider makes of a body: System.Text.Json's reading of it (property names decoded, the last of duplicated
/// names wins, as <see cref="JsonDocument"/> and most JSON libraries do), reduced to the fields the gateway routes,
/// limits and bills on. Compared with <see cref="ChatRequest"/>, the gateway's own reading of the same bytes.
/// </summary>
internal sealed record UpstreamView(
    string? Model, bool Stream, bool IncludeUsage, int? MaxTokens, int Messages, int Images, bool HasTools, bool JsonMode, string? User)
{
    /// <summary>UTF-8 bytes of every text content once decoded (not part of equality: the gateway keeps an upper bound).</summary>
    public int TextBytes { get; init; }

    public bool Equals(UpstreamView? other) =>
        other is not null && (Model, Stream, IncludeUsage, MaxTokens, Messages, Images, HasTools, JsonMode, User)
            == (other.Model, other.Stream, other.IncludeUsage, other.MaxTokens, other.Messages, other.Images, other.HasTools, other.JsonMode, other.User);

    public override int GetHashCode() => HashCode.Combine(Model, Stream, MaxTokens, Messages, Images);

    /// <summary>The gateway's reading.</summary>
    public static UpstreamView Of(ChatRequest request) =>
        new(request.Model, request.Stream, request.IncludeUsage, request.MaxTokens, request.MessageCount, request.ImageParts,
            request.HasTools, request.NeedsJsonMode, request.User) { TextBytes = request.TextBytes };

    /// <summary>System.Text.Json's reading of <paramref name="body"/>.</summary>
    public static UpstreamView Of(ReadOnlyMemory<byte> body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = stream && root.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
        int? maxTokens = null;
        foreach (var name in (ReadOnlySpan<string>)["max_tokens", "max_completion_tokens"])
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number)
            {
                maxTokens = Math.Max(maxTokens ?? 0, value.GetInt32());
            }
        }

        int messages = 0, images = 0, textBytes = 0;
        foreach (var message in root.GetProperty("messages").EnumerateArray())
        {
            messages++;
            if (!message.TryGetProperty("content", out var content))
            {
                continue;
            }

            if (content.ValueKind == JsonValueKind.String)
            {
                textBytes += Encoding.UTF8.GetByteCount(content.GetString()!);
                continue;
            }

            if (content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in content.EnumerateArray())
            {
                if (part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() is "image_url" or "input_image")
                {
                    images++;
                }

                if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    textBytes += Encoding.UTF8.GetByteCount(text.GetString()!);
                }
            }
        }

        var hasTools = false;
        foreach (var name in (ReadOnlySpan<string>)["tools", "functions"])
        {
            hasTools |= root.TryGetProperty(name, out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0;
        }

        var jsonMode = root.TryGetProperty("response_format", out var format) && format.ValueKind == JsonValueKind.Object
            && format.TryGetProperty("type", out var formatType) && formatType.ValueKind == JsonValueKind.String
            && formatType.GetString() is "json_object" or "json_schema";
        var user = root.TryGetProperty("user", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        return new UpstreamView(model, stream, includeUsage, maxTokens, messages, images, hasTools, jsonMode, user) { TextBytes = textBytes };
    }

    /// <summary>How many top-level properties of <paramref name="body"/> are named <paramref name="name"/> once decoded.</summary>
    public static int CountTopLevel(ReadOnlyMemory<byte> body, string name)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.EnumerateObject().Count(p => p.NameEquals(name));
    }
}
