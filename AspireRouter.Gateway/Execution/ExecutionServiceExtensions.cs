namespace AspireRouter.Gateway.Execution;

public static class ExecutionServiceExtensions
{
    /// <summary>The execute stage: the provider HTTP clients, one attempt's runner, hedging and the executor.</summary>
    public static IHostApplicationBuilder AddExecution(this IHostApplicationBuilder builder)
    {
        ProviderClients.Register(builder.Services);
        builder.Services.AddSingleton<AttemptRunner>();
        builder.Services.AddSingleton<HedgeBudget>();
        builder.Services.AddSingleton<ChatExecutor>();
        return builder;
    }
}
