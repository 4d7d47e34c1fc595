using System.Buffers;
using System.Globalization;
using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AspireRouter.Contracts.Budgets;

/// <summary>Start-up validation of <see cref="BudgetOptions"/>, the same in every service; messages quote the bad values.</summary>
public sealed class BudgetOptionsValidator : IValidateOptions<BudgetOptions>
{
    /// <summary>Longest team name: team names become Redis keys and metric tags.</summary>
    public const int MaxTeamLength = 64;

    private static readonly SearchValues<char> TeamChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var errors = new List<string>();
        if (options.DefaultCompletionTokens is < 1 or > 1_000_000)
        {
            errors.Add($"Budgets:DefaultCompletionTokens must be 1-1000000; got {options.DefaultCompletionTokens}.");
        }

        if (options.ReservationLease < TimeSpan.FromSeconds(1) || options.ReservationLease > TimeSpan.FromDays(1))
        {
            errors.Add($"Budgets:ReservationLease must be from 1 s to 1 day; got {options.ReservationLease}.");
        }

        if (options.RedisTimeout <= TimeSpan.Zero || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"Budgets:RedisTimeout must be above 0 and at most 30 s; got {options.RedisTimeout}.");
        }

        if (options.CheckInterval < TimeSpan.FromMilliseconds(10) || options.CheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Budgets:CheckInterval must be from 10 ms to 1 day; got {options.CheckInterval}.");
        }

        CheckThresholds("Budgets:AlertThresholds", options.AlertThresholds, errors);
        foreach (var (team, budget) in options.Teams)
        {
            if (team.Length is 0 or > MaxTeamLength || team.AsSpan().ContainsAnyExcept(TeamChars))
            {
                errors.Add($"Budgets:Teams:{team}: a team name must be 1-{MaxTeamLength} letters, digits, '-', '_' or '.'.");
            }

            CheckLimit($"Budgets:Teams:{team}:DailyUsd", budget.DailyUsd, errors);
            CheckLimit($"Budgets:Teams:{team}:MonthlyUsd", budget.MonthlyUsd, errors);
            CheckThresholds($"Budgets:Teams:{team}:AlertThresholds", budget.AlertThresholds, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckLimit(string key, decimal? limit, List<string> errors)
    {
        if (limit is <= 0)
        {
            errors.Add($"{key} must be a positive USD amount (leave it out for no limit); got {limit.Value.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void CheckThresholds(string key, double[]? thresholds, List<string> errors)
    {
        foreach (var threshold in thresholds ?? [])
        {
            if (threshold is < 1 or > 1000 || threshold != Math.Floor(threshold))
            {
                var hint = threshold is > 0 and < 1 ? $" (for {threshold.ToString(CultureInfo.InvariantCulture)} of the limit write {(threshold * 100).ToString(CultureInfo.InvariantCulture)})" : "";
                errors.Add($"{key} has {threshold.ToString(CultureInfo.InvariantCulture)}: thresholds are whole percents of the limit from 1 to 1000, e.g. 80 for 80 %{hint}.");
            }
        }
    }
}

/// <summary>Registration of the one budgets schema, the same in every service.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>Binds <see cref="BudgetOptions"/> to <c>Budgets</c> (unknown keys refused) and validates it at start-up.</summary>
    public static IServiceCollection AddBudgetOptions(this IServiceCollection services)
    {
        services.AddValidatedOptions<BudgetOptions, BudgetOptionsValidator>(BudgetOptions.SectionName, binder => binder.ErrorOnUnknownConfiguration = true);
        return services;
    }
}
