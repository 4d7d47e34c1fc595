using System.Buffers;
using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Property names as JSON defines them: <c>"\u006dodel"</c> is <c>model</c>, to the gateway as to every provider. A
/// field the gateway reads may appear once; a second one (after decoding) is refused, since a provider would read the
/// last one while the gateway checked the first.
/// </summary>
public static partial class ChatRequestParser
{
    /// <summary>The top-level fields the gateway reads (a bit each in a <c>seen</c> mask).</summary>
    private enum Field
    {
        Other,
        Model,
        Messages,
        Stream,
        StreamOptions,
        MaxTokens,
        MaxCompletionTokens,
        N,
        Temperature,
        TopP,
        PresencePenalty,
        FrequencyPenalty,
        Tools,
        Functions,
        ToolChoice,
        ResponseFormat,
        User,
    }

    private static readonly string[] FieldNames =
    [
        "", "model", "messages", "stream", "stream_options", "max_tokens", "max_completion_tokens", "n", "temperature", "top_p",
        "presence_penalty", "frequency_penalty", "tools", "functions", "tool_choice", "response_format", "user",
    ];

    private static Field FieldOf(ReadOnlySpan<byte> name) => name.IsEmpty ? Field.Other : name[0] switch
    {
        (byte)'m' => name.SequenceEqual("model"u8) ? Field.Model
            : name.SequenceEqual("messages"u8) ? Field.Messages
            : name.SequenceEqual("max_tokens"u8) ? Field.MaxTokens
            : name.SequenceEqual("max_completion_tokens"u8) ? Field.MaxCompletionTokens
            : Field.Other,
        (byte)'s' => name.SequenceEqual("stream"u8) ? Field.Stream
            : name.SequenceEqual("stream_options"u8) ? Field.StreamOptions
            : Field.Other,
        (byte)'t' => name.SequenceEqual("temperature"u8) ? Field.Temperature
            : name.SequenceEqual("top_p"u8) ? Field.TopP
            : name.SequenceEqual("tools"u8) ? Field.Tools
            : name.SequenceEqual("tool_choice"u8) ? Field.ToolChoice
            : Field.Other,
        (byte)'n' => name.SequenceEqual("n"u8) ? Field.N : Field.Other,
        (byte)'p' => name.SequenceEqual("presence_penalty"u8) ? Field.PresencePenalty : Field.Other,
        (byte)'f' => name.SequenceEqual("frequency_penalty"u8) ? Field.FrequencyPenalty
            : name.SequenceEqual("functions"u8) ? Field.Functions
            : Field.Other,
        (byte)'r' => name.SequenceEqual("response_format"u8) ? Field.ResponseFormat : Field.Other,
        (byte)'u' => name.SequenceEqual("user"u8) ? Field.User : Field.Other,
        _ => Field.Other,
    };

    /// <summary>
    /// The property name at <paramref name="reader"/>, escapes decoded. A name without escapes (nearly every one) is
    /// the body's own bytes, not copied; an escaped one, which OpenAI's SDKs never send, is decoded into an array of its
    /// own. A name whose escapes are not valid UTF-16 (a lone surrogate) throws <see cref="InvalidOperationException"/>,
    /// as System.Text.Json does.
    /// </summary>
    private static ReadOnlySpan<byte> NameOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        var decoded = new byte[reader.ValueSpan.Length]; // decoding never lengthens a name
        return decoded.AsSpan(0, reader.CopyString(decoded));
    }

    /// <summary>Marks <paramref name="bit"/> in <paramref name="seen"/>; false when it was already marked (a duplicate).</summary>
    private static bool FirstTime(ref uint seen, int bit)
    {
        var mask = 1u << bit;
        if ((seen & mask) != 0)
        {
            return false;
        }

        seen |= mask;
        return true;
    }

    private static RequestError Duplicate(string param) => RequestError.Invalid(
        $"'{param}' is given more than once (property names are compared with their escapes decoded); send each field once.",
        param, "duplicate_field");

    /// <summary>
    /// Refuses a string the gateway reads whose escapes encode a lone surrogate, as System.Text.Json refuses to read it:
    /// throws <see cref="InvalidOperationException"/>. Only a string holding a <c>\uD…</c> escape is decoded to check.
    /// </summary>
    private static void EnsureValidText(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return;
        }

        var raw = reader.ValueSpan;
        if (raw.IndexOf("\\ud"u8) < 0 && raw.IndexOf("\\uD"u8) < 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            reader.CopyString(buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
