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
    /// <summary>What one document held; <see cref="Facts"/> only when asked for.</summary>
    public readonly record struct Scan(TokenUsage? Usage, bool ChoicesEmpty, ResponseFacts Facts = default);

    /// <summary>Scans <paramref name="json"/>; appends generated text to <paramref name="text"/> when given. Never throws.</summary>
    /// <param name="json">The document.</param>
    /// <param name="text">Receives the generated text when given.</param>
    /// <param name="facts">Which of the response's <c>model</c> and first <c>finish_reason</c> to read as well.</param>
    public static Scan Read(ReadOnlySpan<byte> json, StringBuilder? text = null, FactKinds facts = FactKinds.None)
    {
        try
        {
            return ReadCore(json, text, facts);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>The facts <see cref="Read"/> can read besides usage and text.</summary>
    [Flags]
    public enum FactKinds
    {
        None = 0,
        Model = 1,
        FinishReason = 2,
        All = Model | FinishReason,
    }

    /// <summary>The <c>usage</c> of a non-streaming body (or an error body that carries one), else null.</summary>
    public static TokenUsage? Usage(ReadOnlySpan<byte> json) => Read(json).Usage;

    private static Scan ReadCore(ReadOnlySpan<byte> json, StringBuilder? text, FactKinds facts)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return default;
        }

        TokenUsage? usage = null;
        var choicesEmpty = false;
        string? model = null, finishReason = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            var isChoices = reader.ValueTextEquals("choices"u8);
            var isModel = (facts & FactKinds.Model) != 0 && reader.ValueTextEquals("model"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject)
            {
                usage = ReadUsage(ref reader);
            }
            else if (isChoices && reader.TokenType == JsonTokenType.StartArray)
            {
                choicesEmpty = ReadChoices(ref reader, text, (facts & FactKinds.FinishReason) != 0, out finishReason);
            }
            else if (isModel && reader.TokenType == JsonTokenType.String)
            {
                model = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return new Scan(usage, choicesEmpty, new ResponseFacts(model, finishReason));
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
    private static bool ReadChoices(ref Utf8JsonReader reader, StringBuilder? text, bool facts, out string? finishReason)
    {
        finishReason = null;
        var depth = reader.CurrentDepth;
        var any = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            any = true;
            if (text is null && !facts)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            // choices[i].finish_reason: depth + 2 below the array; the first choice's non-null value is the answer's.
            if (facts && finishReason is null && reader.CurrentDepth == depth + 2 && reader.ValueTextEquals("finish_reason"u8))
            {
                reader.Read();
                finishReason = reader.TokenType == JsonTokenType.String ? FinishReasons.Of(ref reader) : null;
            }

            // choices[i].{message|delta}.{content|reasoning_content}: depth + 3 below the array.
            else if (text is not null && reader.CurrentDepth == depth + 3
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
