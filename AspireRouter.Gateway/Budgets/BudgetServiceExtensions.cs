using AspireRouter.Contracts.Budgets;

namespace AspireRouter.Gateway.Budgets;

public static class BudgetServiceExtensions
{
    /// <summary>Team and key budgets: the one <c>Budgets</c> schema (shared with the ledger), reservations, alerts.</summary>
    public static IHostApplicationBuilder AddBudgets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddBudgetOptions();
        builder.Services.AddSingleton<BudgetMetrics>();
        builder.Services.AddSingleton<BudgetAlertPublisher>();
        builder.Services.AddSingleton<BudgetGuard>();
        builder.Services.AddHostedService<BudgetWarmUpService>();
        return builder;
    }
}
