using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using AspireRouter.CostLedger.Access;

namespace AspireRouter.CostLedger.DeadLetters;

/// <summary>Lists the dead letters with their reasons and replays them after a fix; every route needs the admin key.</summary>
public static partial class DeadLettersApi
{
    /// <summary>Most dead letters listed or replayed by one call.</summary>
    public const int MaxCount = 1000;

    public static IEndpointRouteBuilder MapDeadLettersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/admin/dead-letters").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>();
        api.MapGet("/", ListAsync).WithName("ListDeadLetters")
            .WithSummary("The newest dead letters (count, default 100): entry id, source entry, request id, reason, when; never the event.");
        api.MapPost("/replay", ReplayAsync).WithName("ReplayDeadLetters")
            .WithSummary("Puts dead letters (ids=a,b or the oldest count) back on ar:costs and removes them from ar:costs:dead.");
        return app;
    }

    internal static async Task<Results<Ok<DeadLetterList>, BadRequest<ErrorResponse>>> ListAsync(int? count, DeadLetterStore store)
    {
        if (count is < 1 or > MaxCount)
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid($"'count' must be 1-{MaxCount}.", "count"));
        }

        var (total, letters) = await store.ListAsync(count ?? 100);
        return TypedResults.Ok(new DeadLetterList(total, letters));
    }

    internal static async Task<Results<Ok<ReplayResult>, BadRequest<ErrorResponse>>> ReplayAsync(string? ids, int? count, DeadLetterStore store)
    {
        var named = ids?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (named.Length > MaxCount || !named.All(id => StreamId().IsMatch(id)))
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid($"'ids' must be at most {MaxCount} dead-letter entry ids (e.g. 1764866400000-0), comma-separated.", "ids"));
        }

        if (count is < 1 or > MaxCount)
        {
            return TypedResults.BadRequest(ErrorResponse.Invalid($"'count' must be 1-{MaxCount}.", "count"));
        }

        var (replayed, skipped, missing) = await store.ReplayAsync(named, count ?? MaxCount);
        return TypedResults.Ok(new ReplayResult(replayed, skipped, missing));
    }

    [GeneratedRegex(@"^\d{1,20}-\d{1,20}$")]
    private static partial Regex StreamId();
}

public sealed record DeadLetterList(long Total, IReadOnlyList<DeadLetterView> DeadLetters);

/// <summary>Replayed: back on ar:costs. Skipped: kept, since their event was cut or missing. Missing: named ids not found.</summary>
public sealed record ReplayResult(int Replayed, int Skipped, int Missing);
