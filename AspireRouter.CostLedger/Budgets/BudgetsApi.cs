using AspireRouter.CostLedger.Access;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireRouter.CostLedger.Budgets;

/// <summary><c>GET /v1/budgets</c>: each team's spend against its budget, scoped like the spend reports.</summary>
public static class BudgetsApi
{
    public static IEndpointRouteBuilder MapBudgetsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/v1").WithTags("Spend").AddEndpointFilter<SchemaReadyFilter>().AddEndpointFilter<ReportScopeFilter>()
            .MapGet("/budgets", GetBudgetsAsync).WithName("GetBudgets").WithSummary("Each team's spend against its daily and monthly budget.");
        return app;
    }

    internal static async Task<Ok<BudgetsReport>> GetBudgetsAsync(BudgetStatusService budgets, HttpContext context, CancellationToken ct)
    {
        var team = ReportScope.From(context).Team;
        var all = await budgets.GetAsync(ct);
        return TypedResults.Ok(new BudgetsReport(team is null ? all : [.. all.Where(b => b.Team == team)]));
    }
}

public sealed record BudgetsReport(IReadOnlyList<TeamBudgetStatus> Teams);
