using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.Gateway.Apis;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiErrorResponse))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelEntry))]
[JsonSerializable(typeof(RouterStatus))]
[JsonSerializable(typeof(ChatCompletionRequestBody))]
[JsonSerializable(typeof(BreakerResetResult))]
internal sealed partial class GatewayJsonContext : JsonSerializerContext;
