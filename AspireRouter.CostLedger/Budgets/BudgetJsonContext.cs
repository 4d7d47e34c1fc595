using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Budgets;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BudgetThresholdCrossed))]
internal sealed partial class BudgetJsonContext : JsonSerializerContext;
