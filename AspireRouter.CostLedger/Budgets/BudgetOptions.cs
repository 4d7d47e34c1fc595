using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Budgets;

/// <summary>
/// Team budgets (section <c>Budgets</c>, shared with the gateway, which enforces the hard limit):
/// <c>Budgets:Teams:{team}:DailyUsd</c>, <c>MonthlyUsd</c> and <c>AlertThresholds</c> (percent of the limit).
/// </summary>
public sealed class BudgetOptions
{
    public const string SectionName = "Budgets";

    /// <summary>Budget per team id. Default none.</summary>
    public Dictionary<string, TeamBudgetOptions> Teams { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Thresholds for teams that set none, percent of the limit. Default 50, 80, 100.</summary>
    public List<int> DefaultAlertThresholds { get; set; } = [];

    /// <summary>How often the ledger compares spend with budgets to raise alerts. Default 30 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    internal IReadOnlyList<int> ThresholdsFor(TeamBudgetOptions team) =>
        team.AlertThresholds is { Count: > 0 } own ? own
        : DefaultAlertThresholds is { Count: > 0 } fallback ? fallback
        : [50, 80, 100];
}

/// <summary>One team's limits; a null limit is no limit.</summary>
public sealed class TeamBudgetOptions
{
    /// <summary>USD per UTC day. Default none.</summary>
    public decimal? DailyUsd { get; set; }

    /// <summary>USD per UTC calendar month. Default none.</summary>
    public decimal? MonthlyUsd { get; set; }

    /// <summary>Percent of the limit at which to alert, e.g. 50, 80, 100. Default <see cref="BudgetOptions.DefaultAlertThresholds"/>.</summary>
    public List<int> AlertThresholds { get; set; } = [];
}

/// <summary>Rejects negative limits, thresholds outside 1-1000 % and a non-positive check interval, quoting the values.</summary>
internal sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var errors = new List<string>();
        if (options.CheckInterval <= TimeSpan.Zero)
        {
            errors.Add($"Budgets:CheckInterval must be positive (was {options.CheckInterval}).");
        }

        errors.AddRange(options.DefaultAlertThresholds.Where(t => t is < 1 or > 1000)
            .Select(t => $"Budgets:DefaultAlertThresholds has {t}; thresholds are percents in 1-1000."));
        foreach (var (team, budget) in options.Teams)
        {
            if (budget.DailyUsd < 0)
            {
                errors.Add($"Budgets:Teams:{team}:DailyUsd must not be negative (was {budget.DailyUsd}).");
            }

            if (budget.MonthlyUsd < 0)
            {
                errors.Add($"Budgets:Teams:{team}:MonthlyUsd must not be negative (was {budget.MonthlyUsd}).");
            }

            errors.AddRange(budget.AlertThresholds.Where(t => t is < 1 or > 1000)
                .Select(t => $"Budgets:Teams:{team}:AlertThresholds has {t}; thresholds are percents in 1-1000."));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
