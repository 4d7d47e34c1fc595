using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.DeadLetters;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(DeadLetterList))]
[JsonSerializable(typeof(ReplayResult))]
internal sealed partial class DeadLetterJsonContext : JsonSerializerContext;
