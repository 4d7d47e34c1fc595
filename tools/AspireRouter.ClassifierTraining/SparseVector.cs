using AspireRouter.Gateway.Classification;

namespace AspireRouter.ClassifierTraining;

/// <summary>
/// A prompt's features as the trainer sees them: the gateway's <see cref="PromptFeaturizer"/> output with each
/// family scaled by 1/√(its count), exactly the sum LinearModel.Predict computes.
/// </summary>
public sealed record SparseVector(int[] Indexes, float[] Values)
{
    public static SparseVector From(PromptFeatures features, ClassifierOptions options, int cueFlags, int bits)
    {
        var sink = new CollectingSink();
        PromptFeaturizer.Featurize(features, options, cueFlags, bits, ref sink);
        var merged = new SortedDictionary<int, float>();
        foreach (var (family, index) in sink.Items)
        {
            merged[index] = merged.GetValueOrDefault(index) + 1 / MathF.Sqrt(sink.Counts[family]);
        }

        return new SparseVector([.. merged.Keys], [.. merged.Values]);
    }

    /// <summary>Scores per category: bias plus the weighted sum, then softmax.</summary>
    public float[] Probabilities(float[] weights, float[] bias)
    {
        var n = bias.Length;
        var scores = (float[])bias.Clone();
        for (var k = 0; k < Indexes.Length; k++)
        {
            for (var c = 0; c < n; c++)
            {
                scores[c] += weights[Indexes[k] * n + c] * Values[k];
            }
        }

        LinearModel.Softmax(scores);
        return scores;
    }

    private struct CollectingSink() : IFeatureSink
    {
        public List<(int Family, int Index)> Items { get; } = [];

        public int[] Counts { get; } = new int[PromptFeaturizer.Families];

        public readonly void Add(int family, int index, int start, int length)
        {
            Items.Add((family, index));
            Counts[family]++;
        }
    }
}
