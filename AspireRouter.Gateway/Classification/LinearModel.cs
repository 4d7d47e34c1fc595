using System.Buffers.Binary;
using System.Text;

namespace AspireRouter.Gateway.Classification;

/// <summary>
/// The learned classifier's weights: one row of per-category weights for each of 2^<see cref="Bits"/> hashed
/// features, a bias per category, and the confidence operating point chosen at training. Trained by
/// tools/AspireRouter.ClassifierTraining and shipped as <c>auto-classifier.bin</c>; scoring allocates nothing.
/// </summary>
public sealed class LinearModel
{
    /// <summary>File name of the shipped model, embedded in the gateway's assembly.</summary>
    public const string ResourceName = "AspireRouter.Gateway.Classification.auto-classifier.bin";

    private const uint Magic = 0x4C434152; // "RACL"
    private const int Version = 1;

    public LinearModel(int bits, string[] categories, float[] bias, float[] weights, double operatingPoint)
    {
        if (bits is < 8 or > 24 || categories.Length is < 2 or > 8 || bias.Length != categories.Length || weights.Length != (categories.Length << bits))
        {
            throw new ArgumentException($"Inconsistent model: {bits} bits, {categories.Length} categories, {bias.Length} biases, {weights.Length} weights.");
        }

        (Bits, Categories, Bias, Weights, OperatingPoint) = (bits, categories, bias, weights, operatingPoint);
    }

    /// <summary>Hash bits: the table has 2^Bits rows.</summary>
    public int Bits { get; }

    /// <summary>Category of each output, in weight order.</summary>
    public IReadOnlyList<string> Categories { get; }

    public float[] Bias { get; }

    /// <summary>Row-major: the weight of feature i for category c is at <c>i * Categories.Count + c</c>.</summary>
    public float[] Weights { get; }

    /// <summary>The confidence below which training's cost-weighted evaluation says to fall back.</summary>
    public double OperatingPoint { get; }

    /// <summary>Writes the probability of each category of <paramref name="features"/> into <paramref name="probabilities"/>.</summary>
    public void Predict(PromptFeatures features, ClassifierOptions options, int cueFlags, Span<float> probabilities) =>
        Predict(features, options, cueFlags, probabilities, []);

    /// <summary>
    /// Like <see cref="Predict(PromptFeatures, ClassifierOptions, int, Span{float})"/>, and fills <paramref name="strongest"/>
    /// (n×n, when not empty) with the (start, length) of the word of the user's text that most favours category a over b at [a * n + b].
    /// </summary>
    public void Predict(PromptFeatures features, ClassifierOptions options, int cueFlags, Span<float> probabilities, Span<(int Start, int Length)> strongest)
    {
        var n = Categories.Count;
        Span<float> sums = stackalloc float[PromptFeaturizer.Families * n];
        Span<int> counts = stackalloc int[PromptFeaturizer.Families];
        Span<float> margins = stackalloc float[strongest.Length];
        sums.Clear();
        counts.Clear();
        margins.Fill(float.NegativeInfinity);
        strongest.Fill((-1, 0));
        var sink = new ScoringSink(Weights, n, sums, counts, margins, strongest);
        PromptFeaturizer.Featurize(features, options, cueFlags, Bits, ref sink);
        for (var c = 0; c < n; c++)
        {
            var score = Bias[c];
            for (var family = 0; family < PromptFeaturizer.Families; family++)
            {
                score += counts[family] == 0 ? 0 : sums[family * n + c] / MathF.Sqrt(counts[family]);
            }

            probabilities[c] = score;
        }

        Softmax(probabilities[..n]);
    }

    public static void Softmax(Span<float> scores)
    {
        var max = float.NegativeInfinity;
        foreach (var s in scores)
        {
            max = MathF.Max(max, s);
        }

        var total = 0f;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = MathF.Exp(scores[i] - max);
            total += scores[i];
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] /= total;
        }
    }

    /// <summary>The model shipped inside the gateway.</summary>
    public static LinearModel LoadEmbedded()
    {
        using var stream = typeof(LinearModel).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The gateway assembly has no resource {ResourceName}.");
        return Read(stream);
    }

    /// <summary>Reads the little-endian format <see cref="Write"/> produces.</summary>
    public static LinearModel Read(Stream stream)
    {
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != Version)
        {
            throw new InvalidDataException("Not an AspireRouter classifier model (bad magic or version).");
        }

        var bits = reader.ReadInt32();
        var operatingPoint = reader.ReadDouble();
        var categories = new string[reader.ReadInt32()];
        for (var i = 0; i < categories.Length; i++)
        {
            categories[i] = reader.ReadString();
        }

        var bias = ReadFloats(reader, categories.Length);
        var weights = ReadFloats(reader, categories.Length << bits);
        return new LinearModel(bits, categories, bias, weights, operatingPoint);
    }

    public void Write(Stream stream)
    {
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(Bits);
        writer.Write(OperatingPoint);
        writer.Write(Categories.Count);
        foreach (var category in Categories)
        {
            writer.Write(category);
        }

        foreach (var value in Bias.Concat(Weights))
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count * sizeof(float));
        if (bytes.Length != count * sizeof(float))
        {
            throw new InvalidDataException("Truncated classifier model.");
        }

        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        }

        return values;
    }

    private ref struct ScoringSink(float[] weights, int categories, Span<float> sums, Span<int> counts, Span<float> margins, Span<(int, int)> strongest) : IFeatureSink
    {
        private readonly Span<float> _sums = sums;
        private readonly Span<int> _counts = counts;
        private readonly Span<float> _margins = margins;
        private readonly Span<(int, int)> _strongest = strongest;

        public readonly void Add(int family, int index, int start, int length)
        {
            _counts[family]++;
            var row = weights.AsSpan(index * categories, categories);
            var sums = _sums.Slice(family * categories, categories);
            for (var c = 0; c < categories; c++)
            {
                sums[c] += row[c];
            }

            if (start < 0 || _margins.IsEmpty)
            {
                return;
            }

            for (var a = 0; a < categories; a++)
            {
                for (var b = 0; b < categories; b++)
                {
                    var margin = row[a] - row[b];
                    if (a != b && margin > _margins[a * categories + b])
                    {
                        _margins[a * categories + b] = margin;
                        _strongest[a * categories + b] = (start, length);
                    }
                }
            }
        }
    }
}
