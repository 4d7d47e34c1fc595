using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Budgets;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BudgetsReport))]
internal sealed partial class BudgetsJsonContext : JsonSerializerContext;
