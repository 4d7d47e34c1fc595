using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Range checks of the sampling parameters the gateway forwards untouched: a value a provider would reject (or choke
/// on) is answered here with OpenAI's 400 instead of costing an upstream attempt.
/// </summary>
public static partial class ChatRequestParser
{
    private static bool IsSamplingParameter(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("n"u8) || name.SequenceEqual("temperature"u8) || name.SequenceEqual("top_p"u8)
        || name.SequenceEqual("presence_penalty"u8) || name.SequenceEqual("frequency_penalty"u8);

    private static bool ReadSamplingParameter(ReadOnlySpan<byte> name, ref Utf8JsonReader reader, out RequestError? error)
    {
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (name.SequenceEqual("n"u8))
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n) || n < 1 || n > RequestLimits.MaxChoices)
            {
                error = RequestError.Invalid($"'n' must be an integer from 1 to {RequestLimits.MaxChoices}.", "n", "invalid_value");
                return false;
            }

            return true;
        }

        var (param, min, max) = name.SequenceEqual("temperature"u8) ? ("temperature", 0d, 2d)
            : name.SequenceEqual("top_p"u8) ? ("top_p", 0d, 1d)
            : name.SequenceEqual("presence_penalty"u8) ? ("presence_penalty", -2d, 2d)
            : ("frequency_penalty", -2d, 2d);
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            error = RequestError.Invalid($"'{param}' must be a number from {min} to {max}.", param, "invalid_value");
            return false;
        }

        return true;
    }
}
