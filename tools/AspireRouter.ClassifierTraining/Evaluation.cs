using System.Globalization;
using System.Text;

namespace AspireRouter.ClassifierTraining;

/// <summary>Accuracy per category, the confusion matrix and the cost-weighted error of a set of predictions.</summary>
public sealed class Evaluation(IReadOnlyList<(string Actual, string Predicted)> pairs)
{
    public static readonly string[] Categories = ["light", "general", "reasoning", "multimodal", "regional-cn"];

    /// <summary>
    /// What one mistake costs (actual → predicted), in "a light task answered by a light model" units. Sending a hard
    /// task to a small model costs quality (wrong answers, retries, users' trust); sending an easy one to a reasoning
    /// model costs money (about 300× per output token). Any other mistake costs 1.
    /// </summary>
    public static double Cost(string actual, string predicted) => (actual, predicted) switch
    {
        _ when actual == predicted => 0,
        ("reasoning", "light") => 6,
        ("general", "light") => 3,
        ("reasoning", "general") => 2,
        ("light", "reasoning") => 4,
        ("general", "reasoning") => 2,
        _ => 1,
    };

    public int Count => pairs.Count;

    public double Accuracy => pairs.Count == 0 ? 0 : (double)pairs.Count(p => p.Actual == p.Predicted) / pairs.Count;

    /// <summary>Mean cost per request.</summary>
    public double CostPerRequest => pairs.Count == 0 ? 0 : pairs.Sum(p => Cost(p.Actual, p.Predicted)) / pairs.Count;

    public double AccuracyOf(string category)
    {
        var rows = pairs.Where(p => p.Actual == category).ToList();
        return rows.Count == 0 ? double.NaN : (double)rows.Count(p => p.Predicted == category) / rows.Count;
    }

    /// <summary>Per-category accuracy table and confusion matrix in Markdown.</summary>
    public string ToMarkdown()
    {
        var present = Categories.Where(c => pairs.Any(p => p.Actual == c || p.Predicted == c)).ToList();
        var md = new StringBuilder();
        md.AppendLine("| category | n | correct | accuracy |").AppendLine("| --- | ---: | ---: | ---: |");
        foreach (var category in present.Where(c => pairs.Any(p => p.Actual == c)))
        {
            var n = pairs.Count(p => p.Actual == category);
            md.AppendLine(Invariant($"| {category} | {n} | {pairs.Count(p => p.Actual == category && p.Predicted == category)} | {AccuracyOf(category):P1} |"));
        }

        md.AppendLine(Invariant($"| **overall** | {Count} | {pairs.Count(p => p.Actual == p.Predicted)} | **{Accuracy:P1}** |"));
        md.AppendLine().AppendLine(Invariant($"Cost-weighted error: {CostPerRequest:0.000} per request.")).AppendLine();
        md.AppendLine("| actual ↓ / predicted → | " + string.Join(" | ", present) + " |");
        md.AppendLine("| --- |" + string.Concat(present.Select(_ => " ---: |")));
        foreach (var actual in present.Where(c => pairs.Any(p => p.Actual == c)))
        {
            md.AppendLine($"| {actual} | " + string.Join(" | ", present.Select(predicted => pairs.Count(p => p.Actual == actual && p.Predicted == predicted))) + " |");
        }

        return md.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
