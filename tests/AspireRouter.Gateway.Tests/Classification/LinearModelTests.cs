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
