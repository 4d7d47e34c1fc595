using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Reports;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SpendReport))]
[JsonSerializable(typeof(SavingsReport))]
[JsonSerializable(typeof(BudgetsReport))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(Keys.CreateApiKeyRequest))]
[JsonSerializable(typeof(Keys.CreatedApiKey))]
[JsonSerializable(typeof(Keys.ApiKeyView))]
[JsonSerializable(typeof(Keys.ApiKeyList))]
internal sealed partial class LedgerApiJsonContext : JsonSerializerContext;
