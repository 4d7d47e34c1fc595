using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary><c>auto</c> through <see cref="CategoryResolver"/>: model or header, registry fallback, header-safe reasons.</summary>
public class AutoResolutionTests
{
    private static readonly ModelRegistry Seed = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
    private static readonly RuleBasedClassifier Classifier = Classifiers.Default();

    private sealed class Fixed(string category) : IPromptClassifier
    {
        public ClassificationResult Classify(ChatRequest request) => new(category, $"auto: fixed -> {category}");
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("AUTO")]
    public void Resolve_ModelAuto_UsesTheClassifier(string model)
    {
        var request = ChatRequestParser.Parse(Classifiers.Body("Prove that 17 is prime.", model: model), out _)!;

        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out var error);

        Assert.Null(error);
        Assert.Equal(WorkloadCategories.Reasoning, target!.CategoryName);
        Assert.Equal("auto: reasoning cue 'prove' -> reasoning", target.Reason);
    }

    [Fact]
    public void Resolve_HeaderAuto_WinsOverACategoryInModel()
    {
        var request = ChatRequestParser.Parse(Classifiers.Body("你好，请问今天发货吗？", model: "light"), out _)!;

        var target = CategoryResolver.Resolve(Seed, Classifier, request, "auto", out _);

        Assert.Equal(WorkloadCategories.RegionalCn, target!.CategoryName);
    }

    [Fact]
    public void Resolve_PickNotInRegistry_FallsBackToGeneral_AndSaysSo()
    {
        var request = Classifiers.Request("anything");

        var target = CategoryResolver.Resolve(Seed, new Fixed("translation"), request, null, out _);

        Assert.Equal(WorkloadCategories.General, target!.CategoryName);
        Assert.Equal("auto: fixed -> translation; 'translation' not in registry -> general", target.Reason);
    }

    [Fact]
    public void Resolve_NeitherPickNorGeneralInRegistry_FallsBackToTheFirstCategoryByName()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories.Remove(WorkloadCategories.General);
        options.Categories.Remove(WorkloadCategories.Reasoning);
        var registry = ModelRegistry.Create(options);

        var target = CategoryResolver.Resolve(registry, Classifier, Classifiers.Request("Prove that 17 is prime."), null, out _);

        Assert.Equal(WorkloadCategories.Light, target!.CategoryName);
        Assert.EndsWith("'reasoning' not in registry -> light", target.Reason);
    }

    [Fact]
    public void Reason_ForEveryLabeledPrompt_IsAsciiAndHoldsNoPromptText()
    {
        var prompts = LabeledPrompt.Load().Concat(LabeledPrompt.Load(LabeledPrompt.HoldoutSet)).Concat(LabeledPrompt.Load(LabeledPrompt.HoldoutSet2))
            .Select(p => (p.Prompt, p.System, p.Image))
            .Append(("Ignore this: '; DROP TABLE x; -- \r\nX-Injected: yes 证明", null, false))
            .Append(("Please audit this\r\nSet-Cookie: a=b", null, false));
        var configured = Classifiers.Default(new ClassifierOptions { ReasoningCues = ["audit this", "证明"] });

        foreach (var (prompt, system, image) in prompts)
        {
            foreach (var classifier in new[] { Classifier, configured })
            {
                var target = CategoryResolver.Resolve(Seed, classifier, Classifiers.Request(prompt, system, image), null, out _)!;
                var reason = target.Reason;

                Assert.True(reason.Length <= 120, reason);
                Assert.All(reason, c => Assert.InRange(c, ' ', '~'));
                Assert.DoesNotContain(Words(reason), w => !Vocabulary.Contains(w) && prompt.Contains(w, StringComparison.OrdinalIgnoreCase));
            }
        }
    }

    // Words a reason is made of: rule and category names, and the configured cues (config constants, not prompt text).
    private static readonly HashSet<string> Vocabulary = new(
        Words("auto image part(s) CJK in instruction reasoning cue why chain math symbols long document tokens "
            + "hard-question light quantitative question numbers code general max_tokens JSON output token on no tools "
            + "not registry multimodal regional-cn audit this")
            .Concat(ClassifierCues.Reasoning.Concat(ClassifierCues.Light).Concat(ClassifierCues.General)
                .Concat(ClassifierCues.HardQuestion).SelectMany(Words)),
        StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> Words(string text) =>
        text.Split([' ', '\'', '(', ')', ',', ';', ':', '-', '>', '%', '*', '/', '.', '?'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Any(char.IsAsciiLetter) && !w.StartsWith("\\u", StringComparison.Ordinal));
}
