using AspireRouter.Contracts.Costs;

namespace AspireRouter.CostLedger.Tests.Infrastructure;

/// <summary>Cost events as a gateway would publish them.</summary>
public static class CostEvents
{
    public static RequestCostRecorded Make(
        string? requestId = null, string team = "alpha", string category = "general", string? model = "deepseek-v4-flash",
        long input = 1000, long output = 500, decimal cost = 0.001m, DateTimeOffset? at = null, string? user = "u1",
        string? feature = "chat", string region = "global", string outcome = "success") => new()
    {
        RequestId = requestId ?? $"req-{Guid.NewGuid():N}",
        OccurredAt = at ?? DateTimeOffset.UtcNow,
        Team = team,
        User = user,
        Feature = feature,
        Category = category,
        RequestedModel = category,
        Model = model,
        Region = region,
        GatewayRegion = region,
        Outcome = outcome,
        Attempts = 1,
        InputTokens = input,
        OutputTokens = output,
        CostUsd = cost,
        AttemptCosts = model is null ? [] :
        [
            new AttemptCost { Model = model, Region = region, Outcome = outcome, InputTokens = input, OutputTokens = output, CostUsd = cost, PriceEffectiveFrom = new DateOnly(2026, 1, 1) },
        ],
    };
}
