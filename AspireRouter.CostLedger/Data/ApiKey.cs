namespace AspireRouter.CostLedger.Data;

/// <summary>
/// A virtual API key. Only the SHA-256 of its secret is kept (the secret is shown once, at creation); the gateways
/// read the key's policy from Redis, where <see cref="Keys.ApiKeyPublisher"/> mirrors every row.
/// </summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string Team { get; init; }
    public required string Name { get; init; }

    /// <summary>Lower-case hex SHA-256 of the secret.</summary>
    public required string SecretHash { get; init; }

    /// <summary>The secret's first characters, to tell keys apart in listings.</summary>
    public required string DisplayPrefix { get; init; }

    /// <summary>Comma-separated categories the key may use; empty means all.</summary>
    public required string AllowedCategories { get; init; }

    /// <summary>Residency every request keeps (e.g. <c>cn</c>); null means any.</summary>
    public string? Residency { get; init; }

    public int? RequestsPerMinute { get; init; }
    public int? TokensPerMinute { get; init; }

    /// <summary>Daily USD limit of the key's own spend (enforced at the gateway); null means none.</summary>
    public decimal? DailyBudgetUsd { get; init; }

    /// <summary>Monthly USD limit of the key's own spend; null means none.</summary>
    public decimal? MonthlyBudgetUsd { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
}
