namespace AspireRouter.CostLedger.Data;

/// <summary>A budget threshold a team crossed in one period; its key makes each alert fire once, whatever restarts.</summary>
public sealed class BudgetAlert
{
    public required string Team { get; init; }

    /// <summary>"daily" or "monthly".</summary>
    public required string Period { get; init; }

    /// <summary>First day of the period (UTC).</summary>
    public required DateOnly PeriodStart { get; init; }

    /// <summary>Percent of the limit, e.g. 80.</summary>
    public required int ThresholdPercent { get; init; }

    public required decimal SpentUsd { get; init; }
    public required decimal LimitUsd { get; init; }
    public required DateTimeOffset RaisedAt { get; init; }
}
