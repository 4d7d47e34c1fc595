using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
        if (bits is < 8 or > 24 || categories.Length is < 2 or > Stride || bias.Length != categories.Length || weights.Length != (categories.Length << bits))
        {
            throw new ArgumentException($"Inconsistent model: {bits} bits, {categories.Length} categories, {bias.Length} biases, {weights.Length} weights.");
        }

        (Bits, Categories, Bias, Weights, OperatingPoint) = (bits, categories, bias, weights, operatingPoint);
        _rows = Rows(weights, categories.Length, bits);
        _bias = new float[Stride];
        bias.CopyTo(_bias, 0);
    }

    // Scoring reads these: each feature's weights padded to one 128-bit vector.
    private const int Stride = 4;
    private readonly float[] _rows;
    private readonly float[] _bias;

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
    /// Like <see cref="Predict(PromptFeatures, ClassifierOptions, int, Span{float})"/>, and records in
    /// <paramref name="words"/> the user's words in order (as many as fit) for <see cref="Strongest"/>; returns how many it recorded.
    /// </summary>
    public int Predict(PromptFeatures features, ClassifierOptions options, int cueFlags, Span<float> probabilities, Span<WordFeature> words)
    {
        var n = Categories.Count;
        Span<Vector128<float>> sums = stackalloc Vector128<float>[PromptFeaturizer.Families];
        Span<int> counts = stackalloc int[PromptFeaturizer.Families];
        sums.Clear();
        counts.Clear();
        var sink = new ScoringSink(_rows, sums, counts, words);
        PromptFeaturizer.Featurize(features, options, cueFlags, Bits, ref sink);
        var score = Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(_bias));
        for (var family = 0; family < PromptFeaturizer.Families; family++)
        {
            score += counts[family] == 0 ? Vector128<float>.Zero : sums[family] / MathF.Sqrt(counts[family]);
        }

        for (var c = 0; c < n; c++)
        {
            probabilities[c] = score[c];
        }

        Softmax(probabilities[..n]);
        return sink.Words;
    }

    /// <summary>
    /// The (start, length) in the user's text of the first of <paramref name="words"/> whose weights favour category
    /// <paramref name="a"/> over <paramref name="b"/> the most; (-1, 0) when there are none.
    /// </summary>
    public (int Start, int Length) Strongest(ReadOnlySpan<WordFeature> words, int a, int b)
    {
        var n = Categories.Count;
        var margin = float.NegativeInfinity;
        (int, int) strongest = (-1, 0);
        foreach (var word in words)
        {
            var m = Weights[word.Index * n + a] - Weights[word.Index * n + b];
            if (m > margin)
            {
                (margin, strongest) = (m, (word.Start, word.Length));
            }
        }

        return strongest;
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

    /// <summary>The weights padded to rows of four floats, one vector load per feature; the bias likewise.</summary>
    private static float[] Rows(float[] weights, int categories, int bits)
    {
        var rows = new float[Stride << bits];
        for (var i = 0; i < 1 << bits; i++)
        {
            weights.AsSpan(i * categories, categories).CopyTo(rows.AsSpan(i * Stride));
        }

        return rows;
    }

    private ref struct ScoringSink(float[] rows, Span<Vector128<float>> sums, Span<int> counts, Span<WordFeature> words) : IFeatureSink
    {
        private readonly Span<Vector128<float>> _sums = sums;
        private readonly Span<int> _counts = counts;
        private readonly Span<WordFeature> _words = words;

        public int Words { get; private set; }

        public void Add(int family, int index, int start, int length)
        {
            _counts[family]++;
            _sums[family] += Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(rows), (nuint)(index * Stride));
            if (start >= 0 && Words < _words.Length)
            {
                _words[Words++] = new WordFeature(index, start, length);
            }
        }
    }
}

/// <summary>A word of the user's text as the model saw it: its hash bucket and where it is.</summary>
public readonly record struct WordFeature(int Index, int Start, int Length);
