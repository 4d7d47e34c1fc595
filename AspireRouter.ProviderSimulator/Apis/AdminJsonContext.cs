using System.Text.Json;
using System.Text.Json.Serialization;
using AspireRouter.ProviderSimulator.Faults;
using AspireRouter.ProviderSimulator.Requests;

namespace AspireRouter.ProviderSimulator.Apis;

/// <summary>Source-generated serializer for the admin API (web defaults: camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FaultSpec))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, FaultSpec>))]
[JsonSerializable(typeof(TimeScaleBody))]
[JsonSerializable(typeof(IReadOnlyList<RequestRecord>))]
[JsonSerializable(typeof(RequestStats))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
