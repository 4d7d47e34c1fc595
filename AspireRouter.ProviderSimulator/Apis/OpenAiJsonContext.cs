using System.Text.Json;
using System.Text.Json.Serialization;
using AspireRouter.ProviderSimulator.Completions;
using AspireRouter.ProviderSimulator.Models;

namespace AspireRouter.ProviderSimulator.Apis;

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
