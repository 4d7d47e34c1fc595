namespace AspireRouter.Contracts.Budgets;

/// <summary>
/// Spend limits per team (section <c>Budgets</c>): one schema for every service. The gateways enforce the limits (an
/// atomic reservation in Redis before each request) and raise alerts as spend crosses a threshold; the ledger reports
/// spend against them and raises the same alerts from what it recorded. The AppHost passes its <c>Budgets</c> section to
/// both gateways and the ledger. Unknown keys are refused at start-up, so a misspelt option never goes unnoticed.
/// </summary>
public sealed class BudgetOptions
{
    public const string SectionName = "Budgets";

    /// <summary>Thresholds used when neither the team nor <see cref="AlertThresholds"/> gives any: 50, 80 and 100 %.</summary>
    public static readonly IReadOnlyList<int> DefaultAlertThresholds = [50, 80, 100];

    /// <summary>
    /// Budgets by team name (1-64 letters, digits, '-', '_' or '.', compared without regard to case, as configuration
    /// keys are). A team not listed has no limit. Default: none.
    /// </summary>
    public Dictionary<string, TeamBudget> Teams { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Alert thresholds in <b>percent</b> of a limit, whole numbers from 1 to 1000 (80 = 80 %, 100 = the limit reached),
    /// for teams that set none. Each fires once per team and period. Default: <see cref="DefaultAlertThresholds"/>.
    /// </summary>
    public double[]? AlertThresholds { get; set; }

    /// <summary>
    /// Gateway: when Redis cannot be reached, serve requests without a budget check (true) or refuse them with 503
    /// <c>budget_unavailable</c> (false). Default true: an outage of the budget store should not take the API down; the
    /// ledger still records every cost.
    /// </summary>
    public bool FailOpen { get; set; } = true;

    /// <summary>Gateway: completion tokens reserved for a request without <c>max_tokens</c>. Default 1 024.</summary>
    public int DefaultCompletionTokens { get; set; } = 1024;

    /// <summary>
    /// Gateway: how long a reservation holds budget if its gateway never settles it (a crash). Longer than any request.
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan ReservationLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gateway: longest wait for Redis on the request path before <see cref="FailOpen"/> applies. Default 500 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Ledger: how often it compares recorded spend with the budgets to raise alerts. Default 30 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The thresholds, in percent, that apply to <paramref name="team"/>.</summary>
    public IReadOnlyList<int> ThresholdsFor(TeamBudget team) =>
        team.AlertThresholds is { Length: > 0 } own ? Percents(own)
        : AlertThresholds is { Length: > 0 } shared ? Percents(shared)
        : DefaultAlertThresholds;

    private static int[] Percents(double[] thresholds) => [.. thresholds.Select(t => (int)t).Distinct().Order()];
}

/// <summary>One team's limits; a null limit is no limit for that period.</summary>
public sealed class TeamBudget
{
    /// <summary>USD per UTC day. Default: no limit.</summary>
    public decimal? DailyUsd { get; set; }

    /// <summary>USD per UTC calendar month. Default: no limit.</summary>
    public decimal? MonthlyUsd { get; set; }

    /// <summary>This team's alert thresholds in percent of its limits, overriding <see cref="BudgetOptions.AlertThresholds"/>.</summary>
    public double[]? AlertThresholds { get; set; }
}
