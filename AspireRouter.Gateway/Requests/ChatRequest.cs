namespace AspireRouter.Gateway.Requests;

/// <summary>
/// What routing needs to know about a chat completion request, read from the body without building a DOM, as a
/// provider reads the same bytes (property names decoded, each field the gateway reads given once). Everything else in
/// the body is forwarded untouched.
/// </summary>
public sealed class ChatRequest
{
    /// <summary>The raw JSON body as received.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The <c>model</c> value: a category alias, <c>auto</c> or a concrete model id.</summary>
    public required string Model { get; init; }

    /// <summary>Byte offset and length of the <c>model</c> value token (quotes included) inside <see cref="Body"/>.</summary>
    public required Range ModelValueRange { get; init; }

    /// <summary>Byte offset of the body's opening brace.</summary>
    public int RootStart { get; init; }

    /// <summary>Byte range of the <c>stream_options</c> value inside <see cref="Body"/>, when present.</summary>
    public Range? StreamOptionsRange { get; init; }

    public bool Stream { get; init; }

    /// <summary>The client asked for a final usage chunk (<c>stream_options.include_usage</c>).</summary>
    public bool IncludeUsage { get; init; }

    /// <summary>
    /// The larger of <c>max_completion_tokens</c> and <c>max_tokens</c> (providers differ in which they honour); null
    /// when neither is given.
    /// </summary>
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

    /// <summary>Every text value of the messages, in order (see <see cref="MessageText"/>).</summary>
    public IReadOnlyList<MessageText> Texts { get; init; } = [];

    /// <summary>Each message's role, by index.</summary>
    public IReadOnlyList<MessageRole> Roles { get; init; } = [];

    /// <summary>The prompt's exact token count, made once by whichever stage needs it first.</summary>
    public PromptTokenCount PromptTokens { get; } = new();

    /// <summary>The body with <c>model</c> replaced; every other byte is kept as it came.</summary>
    public byte[] WithModel(string model)
    {
        var (start, length) = ModelValueRange.GetOffsetAndLength(Body.Length);
        return Splice([(start, length, QuotedModel(model))]);
    }

    /// <summary>
    /// The body for an upstream attempt: <c>model</c> replaced and, for a stream whose client did not ask for usage,
    /// <c>stream_options</c> set to <c>{"include_usage":true}</c> so the provider reports what it bills (the gateway
    /// strips that chunk again). Every other byte is kept; other <c>stream_options</c> keys, if any, are dropped.
    /// </summary>
    public byte[] ForUpstream(string model)
    {
        if (!Stream || IncludeUsage)
        {
            return WithModel(model);
        }

        var (modelStart, modelLength) = ModelValueRange.GetOffsetAndLength(Body.Length);
        var modelEdit = (modelStart, modelLength, QuotedModel(model));
        var usageEdit = (Start: RootStart + 1, Length: 0, Bytes: IncludeUsageProperty);
        if (StreamOptionsRange is { } options)
        {
            var (start, length) = options.GetOffsetAndLength(Body.Length);
            usageEdit = (start, length, IncludeUsageObject);
        }

        return usageEdit.Start < modelStart ? Splice([usageEdit, modelEdit]) : Splice([modelEdit, usageEdit]);
    }

    /// <summary>The body with each (start, length) range, in ascending order, replaced by its bytes.</summary>
    private byte[] Splice(ReadOnlySpan<(int Start, int Length, byte[] Bytes)> edits)
    {
        var size = Body.Length;
        foreach (var (_, length, bytes) in edits)
        {
            size += bytes.Length - length;
        }

        var result = new byte[size];
        var source = Body.Span;
        var target = result.AsSpan();
        var position = 0;
        foreach (var (start, length, bytes) in edits)
        {
            source[position..start].CopyTo(target);
            target = target[(start - position)..];
            bytes.CopyTo(target);
            target = target[bytes.Length..];
            position = start + length;
        }

        source[position..].CopyTo(target);
        return result;
    }

    /// <summary>A model id as a JSON string value, quotes included; encoded once per id (ids come from the registry).</summary>
    private static byte[] QuotedModel(string model) =>
        QuotedModels.GetOrAdd(model, static id => System.Text.Encoding.UTF8.GetBytes("\"" + System.Text.Json.JsonEncodedText.Encode(id).ToString() + "\""));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> QuotedModels = new(StringComparer.Ordinal);

    private static readonly byte[] IncludeUsageObject = "{\"include_usage\":true}"u8.ToArray();
    private static readonly byte[] IncludeUsageProperty = "\"stream_options\":{\"include_usage\":true},"u8.ToArray();
}
