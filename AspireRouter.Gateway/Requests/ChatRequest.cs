namespace AspireRouter.Gateway.Requests;

/// <summary>
/// What routing needs to know about a chat completion request, read from the body without building a DOM.
/// Everything else in the body is forwarded untouched.
/// </summary>
public sealed class ChatRequest
{
    /// <summary>The raw JSON body as received.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The <c>model</c> value: a category alias, <c>auto</c> or a concrete model id.</summary>
    public required string Model { get; init; }

    /// <summary>Byte offset and length of the <c>model</c> value token (quotes included) inside <see cref="Body"/>.</summary>
    public required Range ModelValueRange { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client asked for a final usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary><c>max_completion_tokens</c>, else <c>max_tokens</c>; null when absent.</summary>
    public int? MaxTokens { get; init; }

    public int MessageCount { get; init; }

    /// <summary>UTF-8 bytes of all text content (message strings and text parts).</summary>
    public int TextBytes { get; init; }

    /// <summary>Image content parts over all messages.</summary>
    public int ImageParts { get; init; }

    /// <summary>A non-empty <c>tools</c> (or legacy <c>functions</c>) array is present.</summary>
    public bool HasTools { get; init; }

    /// <summary><c>response_format</c> asks for JSON (<c>json_object</c> or <c>json_schema</c>).</summary>
    public bool NeedsJsonMode { get; init; }

    /// <summary>The OpenAI <c>user</c> field, if any.</summary>
    public string? User { get; init; }

    /// <summary>The body with <c>model</c> replaced; every other byte is kept as it came.</summary>
    public byte[] WithModel(string model)
    {
        var encoded = System.Text.Json.JsonEncodedText.Encode(model).EncodedUtf8Bytes;
        var (start, length) = ModelValueRange.GetOffsetAndLength(Body.Length);
        var result = new byte[Body.Length - length + encoded.Length + 2];
        var span = result.AsSpan();
        Body.Span[..start].CopyTo(span);
        span[start] = (byte)'"';
        encoded.CopyTo(span[(start + 1)..]);
        span[start + 1 + encoded.Length] = (byte)'"';
        Body.Span[(start + length)..].CopyTo(span[(start + encoded.Length + 2)..]);
        return result;
    }
}
