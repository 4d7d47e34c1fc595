using AspireRouter.Gateway.Classification;
using Corpus = AspireRouter.ClassifierTraining.LabeledPrompt;

namespace AspireRouter.Gateway.Tests.Classification;

/// <summary>The shipped model file, and the gateway's scorer against the training pipeline's own predictions.</summary>
public sealed class LinearModelTests
{
    private static readonly string CorpusDirectory = Path.Combine(AppContext.BaseDirectory, "Classification", "Corpus");

    [Fact]
    public void ShippedModel_LoadsWithTheThreeTextCategoriesAndAnOperatingPoint()
    {
        var model = LinearModel.LoadEmbedded();

        Assert.Equal(["light", "general", "reasoning"], model.Categories);
        Assert.Equal(model.Categories.Count << model.Bits, model.Weights.Length);
        Assert.InRange(model.OperatingPoint, 0.3, 0.95);
        Assert.Contains(model.Weights, w => w != 0);
    }

    [Fact]
    public void WriteThenRead_GivesTheSameModel()
    {
        var model = LinearModel.LoadEmbedded();
        using var stream = new MemoryStream();

        model.Write(stream);
        stream.Position = 0;
        var copy = LinearModel.Read(stream);

        Assert.Equal(model.Bits, copy.Bits);
        Assert.Equal(model.OperatingPoint, copy.OperatingPoint);
        Assert.Equal(model.Bias, copy.Bias);
        Assert.Equal(model.Weights, copy.Weights);
    }

    [Fact]
    public void QuantizedScores_MatchTheFloatWeights_OnOrdinaryAndHugePrompts()
    {
        var model = LinearModel.LoadEmbedded();
        var options = new ClassifierOptions { CueWindowChars = 1_048_576 };
        string[] vocabulary = ["prove", "that", "the", "sum", "of", "two", "odd", "numbers", "is", "even", "rewrite", "this",
            "paragraph", "formally", "capital", "city", "why", "does", "gradient", "descent", "converge", "快速", "翻译", "42"];
        var mixed = new System.Text.StringBuilder();
        for (var i = 0; mixed.Length < 2_000; i++)
        {
            mixed.Append(vocabulary[(i * 7 + i / 5) % vocabulary.Length]).Append(i % 11 == 0 ? ". " : " ");
        }

        long largest = 0;
        foreach (var text in vocabulary.Take(6).Select(word => string.Join(' ', Enumerable.Repeat(word, 2_000_000 / (word.Length + 1)))).Prepend(mixed.ToString()))
        {
            largest = Math.Max(largest, AssertMatches(model, options, text));
        }

        // A word repeated two million characters long sums far past what an int holds in 16-bit steps: the scorer's
        // integer sums must have been spilled to floats on the way.
        Assert.True(largest > int.MaxValue, $"largest integer sum {largest}");
    }

    /// <summary>Asserts the scorer's probabilities equal the float weights' to 1e-3; returns the largest integer sum of a family.</summary>
    private static long AssertMatches(LinearModel model, ClassifierOptions options, string text)
    {
        var cues = new CueSets(options);
        var features = PromptFeatureExtractor.Extract(Classifiers.Request(text), options.CueWindowChars);
        var flags = cues.Flags(features);
        var quantized = new float[model.Categories.Count];
        model.Predict(features, options, flags, quantized);

        // The same sum over the float weights, family by family, as training computes it.
        var reference = new FloatSink(model);
        PromptFeaturizer.Featurize(features, options, flags, model.Bits, ref reference);
        var expected = reference.Probabilities();
        for (var c = 0; c < model.Categories.Count; c++)
        {
            Assert.InRange(quantized[c], expected[c] - 1e-3f, expected[c] + 1e-3f);
        }

        return reference.LargestIntegerSum;
    }

    private sealed class FloatSink(LinearModel model) : IFeatureSink
    {
        private readonly double[,] _sums = new double[PromptFeaturizer.Families, model.Categories.Count];
        private readonly long[,] _steps = new long[PromptFeaturizer.Families, model.Categories.Count];
        private readonly int[] _counts = new int[PromptFeaturizer.Families];
        private readonly float[] _step = [.. Enumerable.Range(0, model.Categories.Count).Select(c =>
            model.Weights.Where((_, i) => i % model.Categories.Count == c).Max(MathF.Abs) / short.MaxValue)];

        /// <summary>The largest |sum| of a family in the scorer's 16-bit steps.</summary>
        public long LargestIntegerSum => _steps.Cast<long>().Max(Math.Abs);

        public void Add(int family, int index, int start, int length)
        {
            _counts[family]++;
            for (var c = 0; c < model.Categories.Count; c++)
            {
                var weight = model.Weights[index * model.Categories.Count + c];
                _sums[family, c] += weight;
                _steps[family, c] += (long)MathF.Round(weight / _step[c]);
            }
        }

        public float[] Probabilities()
        {
            var scores = new float[model.Categories.Count];
            for (var c = 0; c < scores.Length; c++)
            {
                var score = (double)model.Bias[c];
                for (var family = 0; family < PromptFeaturizer.Families; family++)
                {
                    score += _counts[family] == 0 ? 0 : _sums[family, c] / Math.Sqrt(_counts[family]);
                }

                scores[c] = (float)score;
            }

            LinearModel.Softmax(scores);
            return scores;
        }
    }

    [Fact]
    public void Read_NotAModel_Throws()
    {
        using var stream = new MemoryStream([1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Throws<InvalidDataException>(() => LinearModel.Read(stream));
    }

    [Fact]
    public void GatewayScorer_AgreesWithTrainingPredictions_OnTheWholeCorpus()
    {
        var expected = File.ReadLines(Path.Combine(CorpusDirectory, "predictions.tsv")).Skip(1)
            .Select(line => line.Split('\t')).ToDictionary(f => int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f => f[1]);
        var model = LinearModel.LoadEmbedded();
        var options = new ClassifierOptions();
        var cues = new CueSets(options);
        var corpus = Corpus.Load(Path.Combine(CorpusDirectory, "corpus.jsonl"));
        Span<float> p = stackalloc float[model.Categories.Count];

        var disagreements = new List<int>();
        foreach (var prompt in corpus)
        {
            var features = PromptFeatureExtractor.Extract(prompt.ToRequest(), options.CueWindowChars);
            model.Predict(features, options, cues.Flags(features), p);
            if (model.Categories[ArgMax(p)] != expected[prompt.Id])
            {
                disagreements.Add(prompt.Id);
            }
        }

        Assert.True(corpus.Count >= 1500, $"only {corpus.Count} prompts");
        Assert.Equal(corpus.Count, expected.Count);
        Assert.Empty(disagreements);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }
}
