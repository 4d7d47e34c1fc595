using AspireRouter.Contracts.Hosting;

namespace AspireRouter.Gateway.Classification;

public static class ClassificationServiceExtensions
{
    /// <summary>The <c>auto</c> pre-classifier and its cue lists and thresholds.</summary>
    public static IHostApplicationBuilder AddClassification(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ClassifierOptions, ClassifierOptionsValidator, ClassifierOptionsRulesValidator>(ClassifierOptions.SectionName);
        builder.Services.AddSingleton<IPromptClassifier, RuleBasedClassifier>();
        return builder;
    }
}
