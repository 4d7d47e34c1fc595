using System.Text.Json;
using AspireRouter.Contracts.Costs;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>A stream entry read: its event, or why it is poison (with its request id when that much could be read).</summary>
internal sealed record ParsedEntry(RedisValue Id, string? Raw, RequestCostRecorded? Event, string? PoisonReason, string? RequestId = null);

/// <summary>
/// Turns stream entries into events, rejecting what the ledger could never store before it reaches the database: the
/// checks are the shared field contract's (<see cref="CostFields.Validate"/>), the same the gateway applies at its edge.
/// </summary>
internal static class CostEventParser
{
    public static ParsedEntry Parse(StreamEntry entry)
    {
        var raw = entry[CostStream.EventField];
        if (raw.IsNull)
        {
            return new ParsedEntry(entry.Id, null, null, $"The entry has no '{CostStream.EventField}' field.");
        }

        var json = raw.ToString();
        RequestCostRecorded? cost;
        try
        {
            cost = JsonSerializer.Deserialize(json, CostJsonContext.Default.RequestCostRecorded);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return new ParsedEntry(entry.Id, json, null, $"Unparseable event: {ex.Message}");
        }

        if (cost is null)
        {
            return new ParsedEntry(entry.Id, json, null, "The event is JSON null.");
        }

        var problem = CostFields.Validate(cost);
        var requestId = CostFields.RequestId.Allows(cost.RequestId) ? cost.RequestId : null;
        return problem is null
            ? new ParsedEntry(entry.Id, json, cost, null, requestId)
            : new ParsedEntry(entry.Id, json, null, problem, requestId);
    }
}
