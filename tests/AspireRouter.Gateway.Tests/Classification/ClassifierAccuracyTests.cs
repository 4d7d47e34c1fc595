using System.Globalization;
using System.Text;
using AspireRouter.Contracts.Registry;
using Xunit.Abstractions;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>The rules against a hand-labeled set of production-like prompts.</summary>
public sealed class ClassifierAccuracyTests(ITestOutputHelper output)
{
    // Floors sit a few points below what the default rules reach (main 96.0%, holdout 96.0%, holdout2 83.0%),
    // so a regression fails and a small cue edit does not. The main set was written before the rules but the cues
    // were written with it in view; holdout2 was measured untouched once (77.4%), before two fixes it prompted.
    private const double MainFloor = 0.92;
    private const double MainCategoryFloor = 0.80;
    private const double HoldoutFloor = 0.90;
    private const double Holdout2Floor = 0.78;

    private static readonly string[] Categories =
    [
        WorkloadCategories.Light, WorkloadCategories.General, WorkloadCategories.Reasoning,
        WorkloadCategories.Multimodal, WorkloadCategories.RegionalCn,
    ];

    [Fact]
    public void LabeledSet_IsLargeAndCoversEveryCategory()
    {
        var set = LabeledPrompt.Load();

        Assert.True(set.Count >= 200, $"only {set.Count} labeled prompts");
        Assert.All(set, p => Assert.Contains(p.Category, Categories));
        Assert.All(Categories, c => Assert.True(set.Count(p => p.Category == c) >= 15, $"too few '{c}' prompts"));
    }

    [Fact]
    public void Classify_LabeledSet_MeetsTheAccuracyFloor() => AssertAccuracy(LabeledPrompt.MainSet, MainFloor, MainCategoryFloor);

    [Fact]
    public void Classify_HoldoutSet_MeetsItsFloor() => AssertAccuracy(LabeledPrompt.HoldoutSet, HoldoutFloor);

    [Fact]
    public void Classify_HoldoutSet2_MeetsItsFloor() => AssertAccuracy(LabeledPrompt.HoldoutSet2, Holdout2Floor);

    private void AssertAccuracy(string file, double floor, double categoryFloor = 0)
    {
        var classifier = Classifiers.Default();
        var results = LabeledPrompt.Load(file)
            .Select(p => (Prompt: p, Result: classifier.Classify(Classifiers.Request(p.Prompt, p.System, p.Image))))
            .ToList();

        var table = new StringBuilder();
        var perCategory = new List<(string Category, double Accuracy)>();
        table.AppendLine(file);
        table.AppendLine(CultureInfo.InvariantCulture, $"{"category",-12} {"n",4} {"correct",7} {"accuracy",8}   predicted as");
        foreach (var category in Categories)
        {
            var rows = results.Where(r => r.Prompt.Category == category).ToList();
            var correct = rows.Count(r => r.Result.Category == category);
            var confusion = string.Join(", ", rows.Where(r => r.Result.Category != category)
                .GroupBy(r => r.Result.Category).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
            var accuracy = rows.Count == 0 ? 0 : (double)correct / rows.Count;
            table.AppendLine(CultureInfo.InvariantCulture, $"{category,-12} {rows.Count,4} {correct,7} {accuracy,8:P1}   {confusion}");
            perCategory.Add((category, accuracy));
        }

        var overall = (double)results.Count(r => r.Result.Category == r.Prompt.Category) / results.Count;
        table.AppendLine(CultureInfo.InvariantCulture, $"{"overall",-12} {results.Count,4} {results.Count(r => r.Result.Category == r.Prompt.Category),7} {overall,8:P1}");
        output.WriteLine(table.ToString());
        foreach (var (prompt, result) in results.Where(r => r.Result.Category != r.Prompt.Category))
        {
            var text = prompt.Prompt.ReplaceLineEndings(" ");
            output.WriteLine($"miss: want {prompt.Category,-11} {result.Reason,-60} {(text.Length > 90 ? text[..90] : text)}");
        }

        Assert.True(overall >= floor, $"{file}: overall accuracy {overall:P1} is below the floor {floor:P0}");
        Assert.All(perCategory, c => Assert.True(c.Accuracy >= categoryFloor, $"{file}: '{c.Category}' accuracy {c.Accuracy:P1} is below {categoryFloor:P0}"));
    }
}
