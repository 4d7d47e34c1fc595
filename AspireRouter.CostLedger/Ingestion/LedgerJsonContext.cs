using System.Text.Json.Serialization;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>The attempts column, in the event's own JSON shape.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<AttemptCost>))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
