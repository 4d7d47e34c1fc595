using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Reports;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SpendReport))]
[JsonSerializable(typeof(SavingsReport))]
[JsonSerializable(typeof(SpendSeries))]
internal sealed partial class ReportsJsonContext : JsonSerializerContext;
