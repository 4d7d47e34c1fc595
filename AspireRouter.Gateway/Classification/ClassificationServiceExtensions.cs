using AspireRouter.Contracts.Hosting;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Classification;

public static class ClassificationServiceExtensions
{
    /// <summary>The <c>auto</c> pre-classifier chosen by <c>Classifier:Mode</c>, its model, cue lists and thresholds.</summary>
    public static IHostApplicationBuilder AddClassification(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ClassifierOptions, ClassifierOptionsValidator, ClassifierOptionsRulesValidator>(ClassifierOptions.SectionName);
        builder.Services.AddSingleton(services => new CueSets(services.GetRequiredService<IOptions<ClassifierOptions>>().Value));
        builder.Services.AddSingleton<RuleBasedClassifier>();
        builder.Services.AddSingleton(_ => LinearModel.LoadEmbedded());
        builder.Services.AddSingleton<LearnedClassifier>();
        builder.Services.AddSingleton<IPromptClassifier>(services =>
            services.GetRequiredService<IOptions<ClassifierOptions>>().Value.Mode == ClassifierMode.Rules
                ? services.GetRequiredService<RuleBasedClassifier>()
                : services.GetRequiredService<LearnedClassifier>());
        return builder;
    }
}
