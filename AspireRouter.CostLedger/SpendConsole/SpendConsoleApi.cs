using AspireRouter.CostLedger.Access;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.SpendConsole;

/// <summary>
/// The spend and routing console: one static page (<c>wwwroot/console</c>, Chart.js vendored beside it, nothing from a
/// CDN) that calls the report APIs and <c>/v1/routing</c> with the key the user gives it, and <c>/console/session</c>,
/// which says whose data that key shows.
/// </summary>
public static class SpendConsoleApi
{
    /// <summary>No inline script or style, nothing from another origin; the page may not be framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication MapSpendConsole(this WebApplication app)
    {
        app.UseDefaultFiles(); // /console → /console/ (a redirect) → /console/index.html
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = file =>
            {
                var headers = file.Context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-cache";
            },
        });

        app.MapGroup("/console").WithTags("Console").AddEndpointFilter<SchemaReadyFilter>()
            .MapGet("/session", GetSessionAsync).WithName("GetConsoleSession")
            .WithSummary("Whose spend the caller's key shows: every team (admin key, or no key where anonymous reports are allowed) or one team; never a 401.");
        return app;
    }

    /// <summary>
    /// Answers 200 whatever the key, so the page can ask before it shows anything without the browser logging a 401;
    /// the report APIs themselves still refuse a bad key.
    /// </summary>
    internal static async Task<Ok<ConsoleSession>> GetSessionAsync(HttpContext context, IOptions<AdminOptions> options)
    {
        var (scope, error) = await ReportScopeFilter.ResolveAsync(context, options.Value);
        return TypedResults.Ok(scope is null
            ? new ConsoleSession(false, false, null, error!.Error.Message)
            : new ConsoleSession(true, scope.Team is null, scope.Team, null));
    }
}

/// <summary>The console's view of a key: signed in or not, every team or one, and why not.</summary>
public sealed record ConsoleSession(bool SignedIn, bool AllTeams, string? Team, string? Message);
