using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace AspireRouter.Contracts.Keys;

/// <summary>
/// What a gateway needs to know about a virtual API key, published by the ledger (which owns the keys) into the Redis
/// hash <see cref="Redis.RedisKeys.ApiKeys"/> under the key's <see cref="ApiKeySecrets.Hash"/>. The secret itself is
/// never stored, only its SHA-256.
/// </summary>
/// <param name="Id">Stable key id (e.g. <c>key_…</c>); becomes the cost event's api key id.</param>
/// <param name="Team">The team every request of the key is charged to.</param>
/// <param name="AllowedCategories">Workload categories the key may use; empty means all.</param>
/// <param name="Residency">Data residency every request of the key must keep (e.g. <c>cn</c>); null means any.</param>
/// <param name="RequestsPerMinute">RPM limit; null means unlimited.</param>
/// <param name="TokensPerMinute">TPM limit (prompt estimate + max_tokens at admission); null means unlimited.</param>
/// <param name="RevokedAt">When the key was revoked; a revoked key is refused.</param>
/// <param name="DailyBudgetUsd">Daily USD limit of the key's own spend, reserved atomically at the gateway; null means none.</param>
/// <param name="MonthlyBudgetUsd">Monthly USD limit of the key's own spend; null means none.</param>
public sealed record ApiKeyRecord(
    string Id,
    string Team,
    IReadOnlyList<string> AllowedCategories,
    string? Residency,
    int? RequestsPerMinute,
    int? TokensPerMinute,
    DateTimeOffset? RevokedAt = null,
    decimal? DailyBudgetUsd = null,
    decimal? MonthlyBudgetUsd = null);

/// <summary>Key secrets: generation and the hash under which they are stored.</summary>
public static class ApiKeySecrets
{
    /// <summary>Prefix of every virtual key secret.</summary>
    public const string Prefix = "ar-";

    /// <summary>A new secret: <c>ar-</c> + 32 random bytes, base64url. High entropy, so a fast hash is the right store.</summary>
    public static string New() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Lower-case hex SHA-256 of the secret's UTF-8 bytes.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiKeyRecord))]
public sealed partial class ApiKeyJsonContext : JsonSerializerContext;
