using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Registry;
using AspireRouter.CostLedger.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using AspireRouter.CostLedger.Access;

namespace AspireRouter.CostLedger.Keys;

/// <summary>Issues, lists and revokes virtual API keys; every route needs the admin key.</summary>
public static class AdminKeysApi
{
    public static IEndpointRouteBuilder MapAdminKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/admin/keys").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>().AddEndpointFilter<SchemaReadyFilter>();
        api.MapPost("/", CreateAsync).WithName("CreateApiKey").WithSummary("Issues a key; its secret is in this response only.");
        api.MapGet("/", ListAsync).WithName("ListApiKeys").WithSummary("Lists keys (optionally of one team), without secrets.");
        api.MapDelete("/{id}", RevokeAsync).WithName("RevokeApiKey").WithSummary("Revokes a key; every gateway refuses it within seconds.");
        return app;
    }

    internal static async Task<Results<Created<CreatedApiKey>, BadRequest<ErrorResponse>>> CreateAsync(
        CreateApiKeyRequest body, LedgerDbContext db, ApiKeyPublisher publisher, TimeProvider time, CancellationToken ct)
    {
        if (Validate(body) is { } error)
        {
            return TypedResults.BadRequest(error);
        }

        var secret = ApiKeySecrets.New();
        var key = new ApiKey
        {
            Id = "key_" + Guid.NewGuid().ToString("N")[..20],
            Team = body.Team!,
            Name = body.Name!,
            SecretHash = ApiKeySecrets.Hash(secret),
            DisplayPrefix = secret[..10],
            AllowedCategories = string.Join(',', body.AllowedCategories ?? []),
            Residency = body.Residency,
            RequestsPerMinute = body.RequestsPerMinute,
            TokensPerMinute = body.TokensPerMinute,
            DailyBudgetUsd = body.DailyBudgetUsd,
            MonthlyBudgetUsd = body.MonthlyBudgetUsd,
            CreatedAt = time.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await publisher.PublishAsync(key);
        return TypedResults.Created($"/v1/admin/keys/{key.Id}", new CreatedApiKey(secret, View(key)));
    }

    internal static async Task<Ok<ApiKeyList>> ListAsync(string? team, LedgerDbContext db, CancellationToken ct)
    {
        var keys = await db.ApiKeys.AsNoTracking().Where(k => team == null || k.Team == team).OrderBy(k => k.CreatedAt).ToListAsync(ct);
        return TypedResults.Ok(new ApiKeyList([.. keys.Select(View)]));
    }

    internal static async Task<Results<Ok<ApiKeyView>, NotFound<ErrorResponse>>> RevokeAsync(
        string id, LedgerDbContext db, ApiKeyPublisher publisher, TimeProvider time, CancellationToken ct)
    {
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return TypedResults.NotFound(new ErrorResponse(new ErrorBody($"No key '{(id.Length > 64 ? id[..64] : id)}'.", "invalid_request_error", "id", "key_not_found")));
        }

        key.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        await publisher.PublishAsync(key);
        return TypedResults.Ok(View(key));
    }

    private static ErrorResponse? Validate(CreateApiKeyRequest body)
    {
        if (!IsIdentifier(body.Team))
        {
            return ErrorResponse.Invalid("'team' must be 1-64 letters, digits, '-', '_' or '.'.", "team");
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 128)
        {
            return ErrorResponse.Invalid("'name' must be 1-128 characters.", "name");
        }

        if (body.AllowedCategories is { } categories && (categories.Count > 32 || !categories.All(IsIdentifier)))
        {
            return ErrorResponse.Invalid("'allowedCategories' must be at most 32 category names.", "allowedCategories");
        }

        if (body.Residency is { } residency && !Regions.IsKnown(residency))
        {
            return ErrorResponse.Invalid($"'residency' must be one of {string.Join(", ", Regions.All)} or null.", "residency");
        }

        if (body.RequestsPerMinute is < 1 || body.TokensPerMinute is < 1)
        {
            return ErrorResponse.Invalid("'requestsPerMinute' and 'tokensPerMinute' must be positive or null.", "requestsPerMinute");
        }

        if (body.DailyBudgetUsd is <= 0 or > 1_000_000_000m || body.MonthlyBudgetUsd is <= 0 or > 1_000_000_000m)
        {
            return ErrorResponse.Invalid("'dailyBudgetUsd' and 'monthlyBudgetUsd' must be positive USD amounts (at most 1e9) or null.", "dailyBudgetUsd");
        }

        return null;
    }

    private static bool IsIdentifier(string? value) =>
        value is { Length: > 0 and <= 64 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static ApiKeyView View(ApiKey key) => new(key.Id, key.Team, key.Name, key.DisplayPrefix,
        ApiKeyPublisher.ToRecord(key).AllowedCategories, key.Residency, key.RequestsPerMinute, key.TokensPerMinute,
        key.DailyBudgetUsd, key.MonthlyBudgetUsd, key.CreatedAt, key.RevokedAt);
}
