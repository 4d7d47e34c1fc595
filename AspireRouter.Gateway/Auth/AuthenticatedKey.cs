using AspireRouter.Contracts.Keys;

namespace AspireRouter.Gateway.Auth;

/// <summary>
/// The caller of a request, once its key is checked; set as an <see cref="HttpContext"/> feature so later stages
/// (residency, budgets, cost attribution) read the key's policy from one place.
/// </summary>
/// <param name="KeyId">The key's id; the cost event's api key id.</param>
/// <param name="Team">Team the request is charged to (overrides the team header).</param>
/// <param name="AllowedCategories">Categories the key may use; empty means all.</param>
/// <param name="Residency">Residency every request of the key keeps (e.g. <c>cn</c>); null means any.</param>
/// <param name="RequestsPerMinute">RPM limit, null for none.</param>
/// <param name="TokensPerMinute">TPM limit, null for none.</param>
/// <param name="DailyBudgetUsd">The key's own daily USD limit, null for none.</param>
/// <param name="MonthlyBudgetUsd">The key's own monthly USD limit, null for none.</param>
public sealed record AuthenticatedKey(
    string KeyId,
    string Team,
    IReadOnlyList<string> AllowedCategories,
    string? Residency,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    decimal? DailyBudgetUsd = null,
    decimal? MonthlyBudgetUsd = null)
{
    public static AuthenticatedKey From(ApiKeyRecord record) =>
        new(record.Id, record.Team, record.AllowedCategories, record.Residency, record.RequestsPerMinute, record.TokensPerMinute,
            record.DailyBudgetUsd, record.MonthlyBudgetUsd);

    public bool Allows(string category) =>
        AllowedCategories.Count == 0 || AllowedCategories.Contains(category, StringComparer.OrdinalIgnoreCase);
}
