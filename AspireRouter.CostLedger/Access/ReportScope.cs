using AspireRouter.Contracts.Keys;
using AspireRouter.CostLedger.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Access;

/// <summary>
/// Whose spend a report may show: every team for the admin key, only its own team for a virtual key (a <c>team</c>
/// parameter naming another team is a 403). Without a key: 401, unless <see cref="AdminOptions.AllowAnonymousReports"/>.
/// </summary>
/// <param name="Team">The one team the report covers, or null for every team.</param>
public sealed record ReportScope(string? Team)
{
    private const string ItemKey = "AspireRouter.ReportScope";

    /// <summary>The scope the <see cref="ReportScopeFilter"/> resolved for this request.</summary>
    public static ReportScope From(HttpContext context) =>
        context.Items[ItemKey] as ReportScope ?? throw new InvalidOperationException("The report scope filter did not run.");

    internal static void Set(HttpContext context, ReportScope scope) => context.Items[ItemKey] = scope;
}

/// <summary>Resolves the caller's <see cref="ReportScope"/> from <c>Authorization: Bearer</c> before a report runs.</summary>
public sealed class ReportScopeFilter(IOptions<AdminOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var requested = http.Request.Query["team"].ToString() is { Length: > 0 } team ? team : null;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (AdminKeyFilter.IsAdmin(http.Request, options.Value))
        {
            ReportScope.Set(http, new ReportScope(requested));
            return await next(context);
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (options.Value.AllowAnonymousReports && authorization.Length == 0)
            {
                ReportScope.Set(http, new ReportScope(requested));
                return await next(context);
            }

            return Error(StatusCodes.Status401Unauthorized, "An admin key or a team's API key is required (Authorization: Bearer).", "invalid_api_key");
        }

        var hash = ApiKeySecrets.Hash(authorization[7..].Trim());
        var db = http.RequestServices.GetRequiredService<LedgerDbContext>();
        var keyTeam = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .Select(k => k.Team)
            .FirstOrDefaultAsync(http.RequestAborted);
        if (keyTeam is null)
        {
            return Error(StatusCodes.Status401Unauthorized, "The API key is not valid or has been revoked.", "invalid_api_key");
        }

        if (requested is not null && !string.Equals(requested, keyTeam, StringComparison.Ordinal))
        {
            return Error(StatusCodes.Status403Forbidden, "This API key may only read its own team's spend.", "team_not_allowed");
        }

        ReportScope.Set(http, new ReportScope(keyTeam));
        return await next(context);
    }

    private static IResult Error(int status, string message, string code) => TypedResults.Json(
        new ErrorResponse(new ErrorBody(message, status == StatusCodes.Status403Forbidden ? "permission_error" : "invalid_request_error", null, code)),
        AccessJsonContext.Default.ErrorResponse, statusCode: status);
}
