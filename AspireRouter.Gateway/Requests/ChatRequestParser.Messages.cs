using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// <c>messages</c>: how many, their text's size and their image parts. In a message the gateway reads <c>role</c> and
/// <c>content</c>; in a content part <c>type</c>, <c>text</c> and <c>image_url</c>: each may appear once.
/// </summary>
public static partial class ChatRequestParser
{
    private struct ContentTally
    {
        public int Messages;
        public int TextBytes;
        public int Images;
        public List<MessageText>? Texts;
        public List<MessageRole>? Roles;

        public void Text(ref Utf8JsonReader reader, int message)
        {
            TextBytes += reader.ValueSpan.Length;
            (Texts ??= []).Add(new MessageText(message, (int)reader.TokenStartIndex, reader.ValueSpan.Length + 2));
        }
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

            bool hasRole = false, hasContent = false;
            var role = MessageRole.Other;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = NameOf(ref reader);
                var isRole = name.SequenceEqual("role"u8);
                var isContent = !isRole && name.SequenceEqual("content"u8);
                reader.Read();
                if (isRole)
                {
                    if (hasRole)
                    {
                        error = Duplicate($"messages[{index}].role");
                        return false;
                    }

                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = RequestError.Invalid($"'messages[{index}].role' must be a string.", $"messages[{index}].role", "invalid_type");
                        return false;
                    }

                    EnsureValidText(ref reader);
                    role = reader.ValueTextEquals("user"u8) ? MessageRole.User
                        : reader.ValueTextEquals("system"u8) || reader.ValueTextEquals("developer"u8) ? MessageRole.System
                        : MessageRole.Other;
                    hasRole = true;
                }
                else if (isContent)
                {
                    if (hasContent)
                    {
                        error = Duplicate($"messages[{index}].content");
                        return false;
                    }

                    hasContent = true;
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

            (tally.Roles ??= []).Add(role);
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
                EnsureValidText(ref reader);
                tally.Text(ref reader, index);
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

                    if (ReadPart(ref reader, ref tally, index) is { } duplicate)
                    {
                        error = Duplicate($"messages[{index}].content[{parts - 1}].{duplicate}");
                        return false;
                    }
                }

                return true;
            default:
                error = RequestError.Invalid($"'messages[{index}].content' must be a string, an array of parts or null.", $"messages[{index}].content", "invalid_type");
                return false;
        }
    }

    /// <summary>Tallies one content part; returns the name of a field it repeats, else null.</summary>
    private static string? ReadPart(ref Utf8JsonReader reader, ref ContentTally tally, int message)
    {
        bool hasType = false, hasText = false, hasImage = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = NameOf(ref reader);
            var isType = name.SequenceEqual("type"u8);
            var isText = !isType && name.SequenceEqual("text"u8);
            var isImage = !isType && !isText && name.SequenceEqual("image_url"u8);
            if ((isType && hasType) || (isText && hasText) || (isImage && hasImage))
            {
                return isType ? "type" : isText ? "text" : "image_url";
            }

            (hasType, hasText, hasImage) = (hasType | isType, hasText | isText, hasImage | isImage);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                EnsureValidText(ref reader);
                tally.Images += reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8) ? 1 : 0;
            }
            else if (isText && reader.TokenType == JsonTokenType.String)
            {
                EnsureValidText(ref reader);
                tally.Text(ref reader, message);
            }
            else
            {
                reader.Skip();
            }
        }

        return null;
    }
}
