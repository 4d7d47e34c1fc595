namespace AspireRouter.Gateway.Budgets;

/// <summary>Resolves the Redis connection for budgets at start-up, off the request path (see <see cref="BudgetGuard.WarmUp"/>).</summary>
public sealed class BudgetWarmUpService(BudgetGuard guard) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(guard.WarmUp, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
