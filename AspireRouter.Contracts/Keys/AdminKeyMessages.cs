namespace AspireRouter.Contracts.Keys;

// The ledger's admin keys API (/v1/admin/keys) and its clients (the AspireRouter CLI, tests) agree on these shapes.

/// <summary>What a new key may do; null limits and budgets mean none, no categories means every category.</summary>
public sealed record CreateApiKeyRequest(string? Team, string? Name, IReadOnlyList<string>? AllowedCategories, string? Residency, int? RequestsPerMinute, int? TokensPerMinute,
    decimal? DailyBudgetUsd = null, decimal? MonthlyBudgetUsd = null);

/// <summary>A new key: <see cref="Secret"/> is shown here once and never again.</summary>
public sealed record CreatedApiKey(string Secret, ApiKeyView Key);

/// <summary>A key as the admin API shows it: never its secret, only the secret's first characters.</summary>
public sealed record ApiKeyView(string Id, string Team, string Name, string Prefix, IReadOnlyList<string> AllowedCategories, string? Residency,
    int? RequestsPerMinute, int? TokensPerMinute, decimal? DailyBudgetUsd, decimal? MonthlyBudgetUsd, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Keys listed by the admin API.</summary>
public sealed record ApiKeyList(IReadOnlyList<ApiKeyView> Keys);
