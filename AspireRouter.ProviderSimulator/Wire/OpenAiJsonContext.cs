using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.ProviderSimulator.Wire;

/// <summary>Source-generated serializer for the OpenAI wire format (snake_case, nulls omitted unless a type says otherwise).</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChatCompletionRequest))]
[JsonSerializable(typeof(List<ContentPart>))]
[JsonSerializable(typeof(ChatCompletionResponse))]
[JsonSerializable(typeof(ChatCompletionChunk))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(OpenAiErrorResponse))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;

/// <summary>
/// The OpenAI serializer with relaxed escaping, so quotes and backticks in messages read <c>\"</c> and <c>`</c> as
/// providers send them rather than <c>\u0022</c>.
/// </summary>
internal static class OpenAiJson
{
    public static readonly OpenAiJsonContext Context = new(new JsonSerializerOptions(OpenAiJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = null,
    });
}
