using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Budgets;

/// <summary>Spend limits per team, enforced at the gateway (section <c>Budgets</c>).</summary>
public sealed class BudgetOptions
{
    public const string SectionName = "Budgets";

    /// <summary>Thresholds used when neither the team nor <see cref="AlertThresholds"/> gives any.</summary>
    public static readonly IReadOnlyList<double> DefaultAlertThresholds = [0.5, 0.8, 1.0];

    /// <summary>Budgets by team name (the <c>X-AspireRouter-Team</c> value). A team not listed has no limit.</summary>
    public Dictionary<string, TeamBudget> Teams { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Fractions of a limit at which an alert fires once per period. Default 0.5, 0.8, 1.0.</summary>
    public double[]? AlertThresholds { get; set; }

    /// <summary>
    /// When Redis cannot be reached, serve requests without a budget check (true) or refuse them with 503
    /// <c>budget_unavailable</c> (false). Default true: an outage of the budget store should not take the API down;
    /// the ledger still records every cost.
    /// </summary>
    public bool FailOpen { get; set; } = true;

    /// <summary>Completion tokens reserved for a request without <c>max_tokens</c>. Default 1 024.</summary>
    public int DefaultCompletionTokens { get; set; } = 1024;

    /// <summary>
    /// How long a reservation holds budget if its gateway never settles it (a crash). Longer than any request.
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan ReservationLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest wait for Redis on the request path before <see cref="FailOpen"/> applies. Default 500 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    public IReadOnlyList<double> ThresholdsFor(TeamBudget team) => team.AlertThresholds ?? AlertThresholds ?? DefaultAlertThresholds;
}

/// <summary>One team's limits; a null limit is no limit for that period.</summary>
public sealed class TeamBudget
{
    /// <summary>USD per UTC day.</summary>
    public decimal? DailyUsd { get; set; }

    /// <summary>USD per UTC calendar month.</summary>
    public decimal? MonthlyUsd { get; set; }

    /// <summary>This team's alert thresholds, overriding <see cref="BudgetOptions.AlertThresholds"/>.</summary>
    public double[]? AlertThresholds { get; set; }
}

/// <summary>Start-up validation; messages quote the bad values.</summary>
public sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var errors = new List<string>();
        if (options.DefaultCompletionTokens is < 1 or > 1_000_000)
        {
            errors.Add($"Budgets:DefaultCompletionTokens must be 1-1000000; got {options.DefaultCompletionTokens}.");
        }

        if (options.ReservationLease < TimeSpan.FromSeconds(1) || options.ReservationLease > TimeSpan.FromDays(1))
        {
            errors.Add($"Budgets:ReservationLease must be between 1 s and 1 day; got {options.ReservationLease}.");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"Budgets:RedisTimeout must be between 0 and 30 s; got {options.RedisTimeout}.");
        }

        CheckThresholds("Budgets:AlertThresholds", options.AlertThresholds, errors);
        foreach (var (team, budget) in options.Teams)
        {
            if (!Costs.CostAttribution.IsIdentifier(team))
            {
                errors.Add($"Budgets:Teams:{team}: a team name must be 1-{Costs.CostAttribution.MaxIdentifierLength} letters, digits, '-', '_' or '.'.");
            }

            if (budget.DailyUsd is <= 0 || budget.MonthlyUsd is <= 0)
            {
                errors.Add($"Budgets:Teams:{team}: limits must be positive; got DailyUsd={budget.DailyUsd}, MonthlyUsd={budget.MonthlyUsd}.");
            }

            CheckThresholds($"Budgets:Teams:{team}:AlertThresholds", budget.AlertThresholds, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckThresholds(string key, double[]? thresholds, List<string> errors)
    {
        if (thresholds is not null && thresholds.Any(t => !(t > 0 && t <= 10)))
        {
            errors.Add($"{key} must be fractions of the limit in (0, 10]; got [{string.Join(", ", thresholds)}].");
        }
    }
}
