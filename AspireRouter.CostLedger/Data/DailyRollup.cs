namespace AspireRouter.CostLedger.Data;

/// <summary>
/// Totals per UTC day, team, category and model (<see cref="NoModel"/> when every attempt failed): what the fast
/// reports and the budgets read. Updated in the transaction that inserts the rows it counts, for new rows only.
/// </summary>
public sealed class DailyRollup : RollupTotals
{
    /// <summary>Model key of requests that no model answered.</summary>
    public const string NoModel = "(none)";

    public required DateOnly Day { get; init; }
    public required string Team { get; init; }
    public required string Category { get; init; }
    public required string Model { get; init; }
    public decimal BaselineCostUsd { get; set; }
}

/// <summary>What every rollup row counts: the requests of its key and their tokens and cost.</summary>
public abstract class RollupTotals
{
    public long Requests { get; set; }
    public long InputTokens { get; set; }
    public long CachedInputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long ReasoningTokens { get; set; }
    public decimal CostUsd { get; set; }
}
