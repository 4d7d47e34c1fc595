using System.Text.Json.Serialization;

namespace AspireRouter.Contracts.Costs;

/// <summary>The one JSON shape of cost events, shared by the gateway (writer) and the ledger (reader).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RequestCostRecorded))]
public sealed partial class CostJsonContext : JsonSerializerContext;
