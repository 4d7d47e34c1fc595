using System.Text.Json;

namespace AspireRouter.Gateway.Requests;

/// <summary>
/// Range checks of the sampling parameters the gateway forwards untouched: a value a provider would reject (or choke
/// on) is answered here with OpenAI's 400 instead of costing an upstream attempt.
/// </summary>
public static partial class ChatRequestParser
{
    private static bool ReadSamplingParameter(Field field, ref Utf8JsonReader reader, out RequestError? error)
    {
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (field == Field.N)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var n) || n < 1 || n > RequestLimits.MaxChoices)
            {
                error = RequestError.Invalid($"'n' must be an integer from 1 to {RequestLimits.MaxChoices}.", "n", "invalid_value");
                return false;
            }

            return true;
        }

        var (min, max) = field switch
        {
            Field.Temperature => (0d, 2d),
            Field.TopP => (0d, 1d),
            _ => (-2d, 2d), // presence_penalty, frequency_penalty
        };
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            var param = FieldNames[(int)field];
            error = RequestError.Invalid($"'{param}' must be a number from {min} to {max}.", param, "invalid_value");
            return false;
        }

        return true;
    }
}
