using AspireRouter.Contracts.Hosting;

namespace AspireRouter.Gateway.Tokens;

public static class TokenServiceExtensions
{
    /// <summary>Prompt token estimates (o200k, per-family factors) for context fits, limits, budgets and pricing.</summary>
    public static IHostApplicationBuilder AddTokens(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<TokenEstimationOptions, TokenEstimationOptionsValidator, TokenEstimationFactorsValidator>(TokenEstimationOptions.SectionName);
        builder.Services.AddSingleton<TokenEstimator>();
        return builder;
    }
}
