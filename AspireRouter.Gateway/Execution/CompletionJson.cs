using System.Text;
using System.Text.Json;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Reads what costing needs from a <c>chat.completion</c> body or one <c>chat.completion.chunk</c> with
/// <see cref="Utf8JsonReader"/>, no DOM: the <c>usage</c> object, whether <c>choices</c> is empty, and the
/// generated text (<c>message</c>/<c>delta</c> <c>content</c> and <c>reasoning_content</c>) for estimates.
/// </summary>
public static class CompletionJson
{
    /// <summary>What one document held.</summary>
    public readonly record struct Scan(TokenUsage? Usage, bool ChoicesEmpty);

    /// <summary>Scans <paramref name="json"/>; appends generated text to <paramref name="text"/> when given. Never throws.</summary>
    public static Scan Read(ReadOnlySpan<byte> json, StringBuilder? text = null)
    {
        try
        {
            return ReadCore(json, text);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>The <c>usage</c> of a non-streaming body (or an error body that carries one), else null.</summary>
    public static TokenUsage? Usage(ReadOnlySpan<byte> json) => Read(json).Usage;

    private static Scan ReadCore(ReadOnlySpan<byte> json, StringBuilder? text)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        TokenUsage? usage = null;
        var choicesEmpty = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            var isChoices = reader.ValueTextEquals("choices"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject)
            {
                usage = ReadUsage(ref reader);
            }
            else if (isChoices && reader.TokenType == JsonTokenType.StartArray)
            {
                choicesEmpty = ReadChoices(ref reader, text);
            }
            else
            {
                reader.Skip();
            }
        }

        return new Scan(usage, choicesEmpty);
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        long input = 0, cached = 0, output = 0, reasoning = 0;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var level = reader.CurrentDepth - depth;
            if (level == 1 && reader.ValueTextEquals("prompt_tokens"u8))
            {
                input = ReadCount(ref reader);
            }
            else if (level == 1 && reader.ValueTextEquals("completion_tokens"u8))
            {
                output = ReadCount(ref reader);
            }
            else if (level == 1 && reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                // DeepSeek's spelling of cached prompt tokens.
                cached = Math.Max(cached, ReadCount(ref reader));
            }
            else if (level == 2 && reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = Math.Max(cached, ReadCount(ref reader));
            }
            else if (level == 2 && reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoning = ReadCount(ref reader);
            }
        }

        return new TokenUsage(input, Math.Min(cached, input), output, reasoning);
    }

    private static long ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value > 0 ? value : 0;
    }

    /// <summary>Reads the choices array; returns true when it is empty.</summary>
    private static bool ReadChoices(ref Utf8JsonReader reader, StringBuilder? text)
    {
        var depth = reader.CurrentDepth;
        var any = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            any = true;
            if (text is null)
            {
                reader.Skip();
                continue;
            }

            // choices[i].{message|delta}.{content|reasoning_content}: depth + 3 below the array.
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 3
                && (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("reasoning_content"u8)))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    text.Append(reader.GetString());
                }
            }
        }

        return !any;
    }
}
