using System.Text.Json;
using System.Text.Json.Serialization;
using StackExchange.Redis;

namespace AspireRouter.Contracts.Budgets;

/// <summary>
/// The Redis stream of budget alerts: one entry per <see cref="BudgetThresholdCrossed"/>, its JSON (camelCase) in the
/// field <see cref="EventField"/>. Every producer writes, and every consumer reads, through this class.
/// </summary>
public static class BudgetAlertStream
{
    /// <summary>Stream key, <c>ar:budget-alerts</c>.</summary>
    public const string Name = Redis.RedisKeys.BudgetAlerts;

    /// <summary>Entry field holding the event's JSON.</summary>
    public const string EventField = "event";

    /// <summary>Appends <paramref name="alert"/> to the stream.</summary>
    public static Task<RedisValue> PublishAsync(IDatabaseAsync database, BudgetThresholdCrossed alert) =>
        database.StreamAddAsync(Name, EventField, JsonSerializer.Serialize(alert, BudgetJsonContext.Default.BudgetThresholdCrossed));

    /// <summary>The event of a stream entry; null when the entry holds none or not this contract.</summary>
    public static BudgetThresholdCrossed? Parse(StreamEntry entry)
    {
        var json = entry[EventField];
        if (json.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize((string)json!, BudgetJsonContext.Default.BudgetThresholdCrossed);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

// Every field must be there: an entry of another shape is not this contract.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BudgetThresholdCrossed))]
internal sealed partial class BudgetJsonContext : JsonSerializerContext;
