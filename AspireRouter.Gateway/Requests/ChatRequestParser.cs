using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Reads the fields routing needs from a chat completion body with a forward-only <see cref="Utf8JsonReader"/>.
/// Anything it does not need is skipped, not copied. Property names are read as JSON defines them (escapes decoded)
/// and a field it reads may appear only once, so what it checks is what a provider reads from the same bytes.
/// </summary>
public static partial class ChatRequestParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = RequestLimits.MaxDepth };

    /// <summary>Parses <paramref name="body"/>; on failure returns null and an OpenAI-style error.</summary>
    public static ChatRequest? Parse(ReadOnlyMemory<byte> body, out RequestError? error)
    {
        try
        {
            return ParseCore(body, out error);
        }
        catch (JsonException ex)
        {
            error = RequestError.Invalid($"The request body is not valid JSON: {Describe(ex)}", null, "invalid_json");
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader raises this for invalid UTF-8 or a lone surrogate escape in a string it decodes, and for
            // wrong token types.
            error = RequestError.Invalid($"The request body is not valid JSON: {ex.Message}", null, "invalid_json");
            return null;
        }
    }

    private static ChatRequest? ParseCore(ReadOnlyMemory<byte> body, out RequestError? error)
    {
        error = null;
        var reader = new Utf8JsonReader(body.Span, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = RequestError.Invalid("The request body must be a JSON object.", null, "invalid_json");
            return null;
        }

        string? model = null;
        Range modelRange = default;
        Range? streamOptionsRange = null;
        var rootStart = (int)reader.TokenStartIndex;
        bool stream = false, includeUsage = false, hasTools = false, jsonMode = false;
        int? maxTokens = null, maxCompletionTokens = null;
        string? user = null;
        var content = new ContentTally();
        var seen = 0u;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(NameOf(ref reader));
            if (field != Field.Other && !FirstTime(ref seen, (int)field))
            {
                error = Duplicate(FieldNames[(int)field]);
                return null;
            }

            reader.Read();
            switch (field)
            {
                case Field.Model:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = RequestError.Invalid("'model' must be a string.", "model", "invalid_type");
                        return null;
                    }

                    var start = (int)reader.TokenStartIndex;
                    model = reader.GetString();
                    modelRange = new Range(start, (int)reader.BytesConsumed);
                    break;
                case Field.Messages:
                    if (!ReadMessages(ref reader, ref content, out error))
                    {
                        return null;
                    }

                    break;
                case Field.Stream:
                    if (!ReadOptionalBool(ref reader, "stream", out stream, out error))
                    {
                        return null;
                    }

                    break;
                case Field.StreamOptions:
                    var optionsStart = (int)reader.TokenStartIndex;
                    if (!ReadIncludeUsage(ref reader, out includeUsage, out error))
                    {
                        return null;
                    }

                    streamOptionsRange = new Range(optionsStart, (int)reader.BytesConsumed);
                    break;
                case Field.MaxTokens:
                    if (!ReadOptionalTokenCount(ref reader, "max_tokens", out maxTokens, out error))
                    {
                        return null;
                    }

                    break;
                case Field.MaxCompletionTokens:
                    if (!ReadOptionalTokenCount(ref reader, "max_completion_tokens", out maxCompletionTokens, out error))
                    {
                        return null;
                    }

                    break;
                case Field.N or Field.Temperature or Field.TopP or Field.PresencePenalty or Field.FrequencyPenalty:
                    if (!ReadSamplingParameter(field, ref reader, out error))
                    {
                        return null;
                    }

                    break;
                case Field.Tools or Field.Functions:
                    hasTools |= reader.TokenType == JsonTokenType.StartArray && HasAnyElement(ref reader);
                    reader.Skip(); // an object given as tools (a no-op after an array or a primitive)
                    break;
                case Field.ResponseFormat:
                    if (!ReadJsonMode(ref reader, out var json, out error))
                    {
                        return null;
                    }

                    jsonMode = json;
                    break;
                case Field.User when reader.TokenType == JsonTokenType.String:
                    user = reader.GetString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            // Trailing content after the top-level object.
            error = RequestError.Invalid("The request body must hold exactly one JSON object.", null, "invalid_json");
            return null;
        }

        if (string.IsNullOrWhiteSpace(model))
        {
            error = RequestError.Invalid("You must provide a model parameter.", "model", "missing_required_parameter");
            return null;
        }

        var sawMessages = !FirstTime(ref seen, (int)Field.Messages);
        if (!sawMessages || content.Messages == 0)
        {
            error = RequestError.Invalid("'messages' must be a non-empty array.", "messages", sawMessages ? "empty_array" : "missing_required_parameter");
            return null;
        }

        return new ChatRequest
        {
            Body = body,
            Model = model,
            ModelValueRange = modelRange,
            RootStart = rootStart,
            StreamOptionsRange = streamOptionsRange,
            Stream = stream,
            IncludeUsage = stream && includeUsage,
            // Providers differ in which of the two they honour: the larger bounds what the request can cost.
            MaxTokens = maxTokens is { } tokens && maxCompletionTokens is { } completion ? Math.Max(tokens, completion) : maxCompletionTokens ?? maxTokens,
            MessageCount = content.Messages,
            TextBytes = content.TextBytes,
            Texts = (IReadOnlyList<MessageText>?)content.Texts ?? [],
            Roles = (IReadOnlyList<MessageRole>?)content.Roles ?? [],
            ImageParts = content.Images,
            HasTools = hasTools,
            NeedsJsonMode = jsonMode,
            User = user,
        };
    }

    private static bool ReadOptionalBool(ref Utf8JsonReader reader, string name, out bool value, out RequestError? error)
    {
        error = null;
        value = false;
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                value = true;
                return true;
            case JsonTokenType.False or JsonTokenType.Null:
                return true;
            default:
                error = RequestError.Invalid($"'{name}' must be a boolean.", name, "invalid_type");
                return false;
        }
    }

    private static bool ReadOptionalTokenCount(ref Utf8JsonReader reader, string name, out int? value, out RequestError? error)
    {
        error = null;
        value = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var count) || count < 1 || count > RequestLimits.MaxTokens)
        {
            error = RequestError.Invalid($"'{name}' must be an integer from 1 to {RequestLimits.MaxTokens}.", name, "invalid_value");
            return false;
        }

        value = count;
        return true;
    }

    /// <summary><c>stream_options.include_usage</c> is true; anything but an object asks for nothing.</summary>
    private static bool ReadIncludeUsage(ref Utf8JsonReader reader, out bool include, out RequestError? error) =>
        ReadOneMember(ref reader, "include_usage"u8, "stream_options.include_usage", static (ref Utf8JsonReader r) => r.TokenType == JsonTokenType.True, out include, out error);

    /// <summary><c>response_format.type</c> asks for JSON (<c>json_object</c> or <c>json_schema</c>).</summary>
    private static bool ReadJsonMode(ref Utf8JsonReader reader, out bool json, out RequestError? error) =>
        ReadOneMember(ref reader, "type"u8, "response_format.type", static (ref Utf8JsonReader r) =>
        {
            if (r.TokenType != JsonTokenType.String)
            {
                return false;
            }

            EnsureValidText(ref r);
            return r.ValueTextEquals("json_object"u8) || r.ValueTextEquals("json_schema"u8);
        }, out json, out error);

    private delegate bool MemberTest(ref Utf8JsonReader reader);

    /// <summary>
    /// Reads an object of which the gateway needs one member, <paramref name="member"/>, given at most once; the result
    /// is <paramref name="test"/> of its value (false when absent or when the value is not an object).
    /// </summary>
    private static bool ReadOneMember(
        ref Utf8JsonReader reader, ReadOnlySpan<byte> member, string param, MemberTest test, out bool result, out RequestError? error)
    {
        (result, error) = (false, null);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return true;
        }

        var seen = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMember = NameOf(ref reader).SequenceEqual(member);
            reader.Read();
            if (!isMember)
            {
                reader.Skip();
                continue;
            }

            if (seen)
            {
                error = Duplicate(param);
                return false;
            }

            seen = true;
            result = test(ref reader);
            reader.Skip();
        }

        return true;
    }

    private static bool HasAnyElement(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        var any = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            any = true;
            reader.Skip();
        }

        return any;
    }

    private static string Describe(JsonException ex) =>
        ex.LineNumber is { } line ? $"error at line {line + 1}, byte {ex.BytePositionInLine}." : "parse error.";
}
