using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Reads the fields routing needs from a chat completion body with a forward-only <see cref="Utf8JsonReader"/>.
/// Anything it does not need is skipped, not copied.
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
            // Utf8JsonReader raises this for invalid UTF-8 inside strings and for wrong token types.
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
        bool stream = false, includeUsage = false, hasTools = false, jsonMode = false, sawMessages = false;
        int? maxTokens = null, maxCompletionTokens = null;
        string? user = null;
        var content = new ContentTally();

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            if (escaped)
            {
                // Escaped property names are legal but never used by OpenAI clients; treat them as unknown fields.
                reader.Skip();
                continue;
            }

            if (name.SequenceEqual("model"u8))
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    error = RequestError.Invalid("'model' must be a string.", "model", "invalid_type");
                    return null;
                }

                var start = (int)reader.TokenStartIndex;
                model = reader.GetString();
                modelRange = new Range(start, (int)reader.BytesConsumed);
            }
            else if (name.SequenceEqual("messages"u8))
            {
                sawMessages = true;
                if (!ReadMessages(ref reader, ref content, out error))
                {
                    return null;
                }
            }
            else if (name.SequenceEqual("stream"u8))
            {
                if (!ReadOptionalBool(ref reader, "stream", out stream, out error))
                {
                    return null;
                }
            }
            else if (name.SequenceEqual("stream_options"u8))
            {
                var optionsStart = (int)reader.TokenStartIndex;
                includeUsage = ReadIncludeUsage(ref reader);
                streamOptionsRange = new Range(optionsStart, (int)reader.BytesConsumed);
            }
            else if (name.SequenceEqual("max_tokens"u8))
            {
                if (!ReadOptionalTokenCount(ref reader, "max_tokens", out maxTokens, out error))
                {
                    return null;
                }
            }
            else if (name.SequenceEqual("max_completion_tokens"u8))
            {
                if (!ReadOptionalTokenCount(ref reader, "max_completion_tokens", out maxCompletionTokens, out error))
                {
                    return null;
                }
            }
            else if (IsSamplingParameter(name))
            {
                if (!ReadSamplingParameter(name, ref reader, out error))
                {
                    return null;
                }
            }
            else if (name.SequenceEqual("tools"u8) || name.SequenceEqual("functions"u8))
            {
                hasTools |= reader.TokenType == JsonTokenType.StartArray && HasAnyElement(ref reader);
            }
            else if (name.SequenceEqual("response_format"u8))
            {
                jsonMode = ReadJsonMode(ref reader);
            }
            else if (name.SequenceEqual("user"u8) && reader.TokenType == JsonTokenType.String)
            {
                user = reader.GetString();
            }
            else
            {
                reader.Skip();
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
            MaxTokens = maxCompletionTokens ?? maxTokens,
            MessageCount = content.Messages,
            TextBytes = content.TextBytes,
            ImageParts = content.Images,
            HasTools = hasTools,
            NeedsJsonMode = jsonMode,
            User = user,
        };
    }

    private struct ContentTally
    {
        public int Messages;
        public int TextBytes;
        public int Images;
    }

    private static bool ReadMessages(ref Utf8JsonReader reader, ref ContentTally tally, out RequestError? error)
    {
        error = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = RequestError.Invalid("'messages' must be an array.", "messages", "invalid_type");
            return false;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = RequestError.Invalid($"'messages[{index}]' must be an object.", $"messages[{index}]", "invalid_type");
                return false;
            }

            var hasRole = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isContent = reader.ValueTextEquals("content"u8);
                var isRole = reader.ValueTextEquals("role"u8);
                reader.Read();
                if (isRole)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = RequestError.Invalid($"'messages[{index}].role' must be a string.", $"messages[{index}].role", "invalid_type");
                        return false;
                    }

                    hasRole = true;
                }
                else if (isContent)
                {
                    if (!ReadContent(ref reader, ref tally, index, out error))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            if (!hasRole)
            {
                error = RequestError.Invalid($"'messages[{index}].role' is required.", $"messages[{index}].role", "missing_required_parameter");
                return false;
            }

            tally.Messages++;
            index++;
            if (tally.Messages > RequestLimits.MaxMessages)
            {
                error = RequestError.Invalid($"'messages' may hold at most {RequestLimits.MaxMessages} messages.", "messages", "too_many_messages");
                return false;
            }
        }

        return true;
    }

    private static bool ReadContent(ref Utf8JsonReader reader, ref ContentTally tally, int index, out RequestError? error)
    {
        error = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                tally.TextBytes += reader.ValueSpan.Length;
                return true;
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.StartArray:
                var parts = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (++parts > RequestLimits.MaxContentParts)
                    {
                        error = RequestError.Invalid($"'messages[{index}].content' may hold at most {RequestLimits.MaxContentParts} parts.", $"messages[{index}].content", "too_many_content_parts");
                        return false;
                    }

                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        error = RequestError.Invalid($"'messages[{index}].content' parts must be objects.", $"messages[{index}].content", "invalid_type");
                        return false;
                    }

                    ReadPart(ref reader, ref tally);
                }

                return true;
            default:
                error = RequestError.Invalid($"'messages[{index}].content' must be a string, an array of parts or null.", $"messages[{index}].content", "invalid_type");
                return false;
        }
    }

    private static void ReadPart(ref Utf8JsonReader reader, ref ContentTally tally)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            var isText = reader.ValueTextEquals("text"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String
                && (reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8)))
            {
                tally.Images++;
            }
            else if (isText && reader.TokenType == JsonTokenType.String)
            {
                tally.TextBytes += reader.ValueSpan.Length;
            }
            else
            {
                reader.Skip();
            }
        }
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

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var include = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIncludeUsage = reader.ValueTextEquals("include_usage"u8);
            reader.Read();
            if (isIncludeUsage)
            {
                include = reader.TokenType == JsonTokenType.True;
            }
            else
            {
                reader.Skip();
            }
        }

        return include;
    }

    private static bool ReadJsonMode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        var json = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                json = reader.ValueTextEquals("json_object"u8) || reader.ValueTextEquals("json_schema"u8);
            }
            else
            {
                reader.Skip();
            }
        }

        return json;
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
