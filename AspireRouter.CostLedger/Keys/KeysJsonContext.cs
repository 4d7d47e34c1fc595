using System.Text.Json;
using System.Text.Json.Serialization;
using AspireRouter.Contracts.Keys;

namespace AspireRouter.CostLedger.Keys;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateApiKeyRequest))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(ApiKeyView))]
[JsonSerializable(typeof(ApiKeyList))]
internal sealed partial class KeysJsonContext : JsonSerializerContext;
