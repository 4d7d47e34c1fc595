using System.Buffers;
using System.Globalization;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// The default <c>auto</c> classifier: the hard signals first (<see cref="HardSignals"/>: images, Chinese, sizes
/// that rule out light), then a linear model over hashed words and character trigrams that was trained on the
/// corpus in data/classifier. <c>max_tokens</c> only breaks a near tie; an unsure pick goes to
/// <see cref="ClassifierOptions.LowConfidenceCategory"/>. The reason names the category, its confidence and the
/// word that weighed most, e.g. <c>auto: model reasoning 0.93, strongest 'prove' -> reasoning</c>.
/// </summary>
public sealed class LearnedClassifier(LinearModel model, IOptions<ClassifierOptions> options, CueSets cues, ILogger<LearnedClassifier> logger)
    : FeatureClassifier(options.Value, logger)
{
    public LearnedClassifier(LinearModel model, IOptions<ClassifierOptions> options, ILogger<LearnedClassifier> logger)
        : this(model, options, new CueSets(options.Value), logger)
    {
    }

    /// <summary>The model's pick, with the light rules, the max_tokens tie-break and the confidence fallback.</summary>
    protected override ClassificationResult ClassifyText(PromptFeatures features)
    {
        var o = Options;
        var categories = model.Categories;
        Span<float> p = stackalloc float[categories.Count];
        var lightAllowed = HardSignals.LightAllowed(features, o);
        // Every token of the user's text is at least one character: a buffer as long as the text holds its words.
        var words = ArrayPool<WordFeature>.Shared.Rent(features.LastUserText.Length + 1);
        int best, second, start, length;
        try
        {
            var count = model.Predict(features, o, cues.Flags(features), p, words);
            (best, second) = TopTwo(p, lightAllowed ? -1 : IndexOf(WorkloadCategories.Light));
            (start, length) = model.Strongest(words.AsSpan(0, count), best, second);
        }
        finally
        {
            ArrayPool<WordFeature>.Shared.Return(words);
        }

        var strongest = start < 0 ? "none" : HardSignals.Quote(features.LastUserText.Span.Slice(start, length));
        var picked = $"model {categories[best]} {Format(p[best])}, strongest {strongest}";
        if (!lightAllowed && p[IndexOf(WorkloadCategories.Light)] > p[best])
        {
            picked += $", {features.PromptTokens} tokens rule out light";
        }

        if (features.MaxTokens <= o.LightMaxOutputTokens && lightAllowed && p[best] - p[second] < o.TieMargin
            && categories[second] == WorkloadCategories.Light)
        {
            return HardSignals.Result(WorkloadCategories.Light, $"{picked}, tie with light broken by max_tokens {features.MaxTokens}");
        }

        var threshold = o.MinConfidence ?? model.OperatingPoint;
        if (p[best] < threshold)
        {
            return HardSignals.Result(o.LowConfidenceCategory, $"{picked} below {Format(threshold)}");
        }

        return HardSignals.Result(categories[best], picked);
    }

    private int IndexOf(string category)
    {
        for (var i = 0; i < model.Categories.Count; i++)
        {
            if (model.Categories[i] == category)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Indexes of the two most probable categories, skipping <paramref name="excluded"/> (-1: none).</summary>
    private static (int Best, int Second) TopTwo(ReadOnlySpan<float> p, int excluded)
    {
        int best = -1, second = -1;
        for (var i = 0; i < p.Length; i++)
        {
            if (i == excluded)
            {
                continue;
            }

            if (best < 0 || p[i] > p[best])
            {
                (second, best) = (best, i);
            }
            else if (second < 0 || p[i] > p[second])
            {
                second = i;
            }
        }

        return (best, second);
    }

    private static string Format(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}
