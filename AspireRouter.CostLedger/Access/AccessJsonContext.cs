using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Access;

/// <summary>The ledger's error envelope, shared by every API of the ledger.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class AccessJsonContext : JsonSerializerContext;
