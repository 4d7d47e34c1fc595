using AspireRouter.Contracts.Hosting;

namespace AspireRouter.CostLedger.DeadLetters;

/// <summary>The dead-letter stream's wiring: its options (validated at start-up), the store and the API's JSON.</summary>
public static class DeadLetterServiceExtensions
{
    public static WebApplicationBuilder AddDeadLetters(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DeadLetterOptions, DeadLetterOptionsValidator>(DeadLetterOptions.SectionName);
        builder.Services.AddSingleton<DeadLetterStore>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Add(DeadLetterJsonContext.Default));
        return builder;
    }
}
