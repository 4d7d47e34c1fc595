using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.CostLedger.Data;
using StackExchange.Redis;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>A stream entry read: its event, or why it is poison.</summary>
internal sealed record ParsedEntry(RedisValue Id, string? Raw, RequestCostRecorded? Event, string? PoisonReason);

/// <summary>Turns stream entries into events, rejecting what the ledger could never store (so it never blocks the stream).</summary>
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
        catch (JsonException ex)
        {
            return new ParsedEntry(entry.Id, json, null, $"Unparseable event: {ex.Message}");
        }

        if (cost is null)
        {
            return new ParsedEntry(entry.Id, json, null, "The event is JSON null.");
        }

        var problem = Validate(cost);
        return problem is null ? new ParsedEntry(entry.Id, json, cost, null) : new ParsedEntry(entry.Id, json, null, problem);
    }

    /// <summary>The first reason the event cannot be a ledger row, or null.</summary>
    public static string? Validate(RequestCostRecorded cost)
    {
        if (string.IsNullOrWhiteSpace(cost.RequestId) || cost.RequestId.Length > LedgerLimits.IdLength)
        {
            return $"requestId must be 1-{LedgerLimits.IdLength} characters.";
        }

        foreach (var (field, value) in new[] { ("team", cost.Team), ("category", cost.Category), ("requestedModel", cost.RequestedModel),
                     ("gatewayRegion", cost.GatewayRegion), ("outcome", cost.Outcome) })
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > LedgerLimits.NameLength)
            {
                return $"{field} must be 1-{LedgerLimits.NameLength} characters (was '{Truncate(value)}').";
            }
        }

        foreach (var (field, value) in new[] { ("user", cost.User), ("feature", cost.Feature), ("apiKeyId", cost.ApiKeyId),
                     ("model", cost.Model), ("region", cost.Region), ("residency", cost.Residency) })
        {
            if (value is { Length: > LedgerLimits.NameLength })
            {
                return $"{field} is longer than {LedgerLimits.NameLength} characters.";
            }
        }

        if (cost.InputTokens < 0 || cost.CachedInputTokens < 0 || cost.OutputTokens < 0 || cost.ReasoningTokens < 0)
        {
            return "Token counts must not be negative.";
        }

        if (cost.CostUsd < 0 || cost.CostUsd >= 1_000_000m)
        {
            return $"costUsd {cost.CostUsd} is outside [0, 1000000).";
        }

        if (cost.OccurredAt == default)
        {
            return "occurredAt is missing.";
        }

        return null;
    }

    private static string Truncate(string? value) => value is null ? "" : value.Length <= 40 ? value : value[..40] + "…";
}
