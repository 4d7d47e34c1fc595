using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.Routing;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RoutingStatus))]
internal sealed partial class RoutingJsonContext : JsonSerializerContext;
