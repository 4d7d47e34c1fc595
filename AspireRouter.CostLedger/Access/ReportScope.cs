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
        var (scope, error) = await ResolveAsync(context.HttpContext, options.Value);
        if (scope is null)
        {
            return TypedResults.Json(error!, AccessJsonContext.Default.ErrorResponse,
                statusCode: error!.Error.Code == "team_not_allowed" ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized);
        }

        ReportScope.Set(context.HttpContext, scope);
        return await next(context);
    }

    /// <summary>
    /// The caller's scope: the admin key every team (or its <c>team</c> parameter), a virtual key its own team, no key
    /// every team only with <see cref="AdminOptions.AllowAnonymousReports"/>. Otherwise null and the error to answer:
    /// <c>invalid_api_key</c> (401) or <c>team_not_allowed</c> (403).
    /// </summary>
    public static async Task<(ReportScope? Scope, ErrorResponse? Error)> ResolveAsync(HttpContext http, AdminOptions options)
    {
        var requested = http.Request.Query["team"].ToString() is { Length: > 0 } team ? team : null;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (AdminKeyFilter.IsAdmin(http.Request, options))
        {
            return (new ReportScope(requested), null);
        }

        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return options.AllowAnonymousReports && authorization.Length == 0
                ? (new ReportScope(requested), null)
                : (null, Error("An admin key or a team's API key is required (Authorization: Bearer).", "invalid_request_error", "invalid_api_key"));
        }

        var hash = ApiKeySecrets.Hash(authorization[7..].Trim());
        var db = http.RequestServices.GetRequiredService<LedgerDbContext>();
        var keyTeam = await db.ApiKeys.AsNoTracking()
            .Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .Select(k => k.Team)
            .FirstOrDefaultAsync(http.RequestAborted);
        if (keyTeam is null)
        {
            return (null, Error("The API key is not valid or has been revoked.", "invalid_request_error", "invalid_api_key"));
        }

        return requested is not null && !string.Equals(requested, keyTeam, StringComparison.Ordinal)
            ? (null, Error("This API key may only read its own team's spend.", "permission_error", "team_not_allowed"))
            : (new ReportScope(keyTeam), null);
    }

    private static ErrorResponse Error(string message, string type, string code) => new(new ErrorBody(message, type, null, code));
}
