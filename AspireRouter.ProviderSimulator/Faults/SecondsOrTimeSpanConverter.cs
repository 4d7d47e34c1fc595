using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Faults;

/// <summary>
/// Reads a duration written either as a TimeSpan string (<c>"00:00:02"</c>) or as a number of seconds (<c>2</c>, the
/// unit of a Retry-After header); writes the TimeSpan string.
/// </summary>
internal sealed class SecondsOrTimeSpanConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => TimeSpan.FromSeconds(reader.GetDouble()),
            JsonTokenType.String when TimeSpan.TryParse(reader.GetString(), CultureInfo.InvariantCulture, out var value) => value,
            _ => throw new JsonException("Expected a duration: a TimeSpan string such as \"00:00:02\" or a number of seconds."),
        };

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));
}
