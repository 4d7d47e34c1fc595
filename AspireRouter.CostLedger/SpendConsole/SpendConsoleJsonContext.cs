using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireRouter.CostLedger.SpendConsole;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ConsoleSession))]
internal sealed partial class SpendConsoleJsonContext : JsonSerializerContext;
