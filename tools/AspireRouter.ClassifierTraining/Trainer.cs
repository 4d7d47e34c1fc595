using AspireRouter.Gateway.Classification;

namespace AspireRouter.ClassifierTraining;

/// <summary>
/// Multinomial logistic regression (maximum entropy) over the hashed features: AdaGrad steps on the cross-entropy
/// with L2 regularisation, examples visited in an order drawn from a fixed seed, so a run is reproducible.
/// </summary>
public sealed record Trainer(int Bits = 16, int Epochs = 25, float LearningRate = 0.5f, float L2 = 1e-6f, int Seed = 19)
{
    public static readonly string[] Categories = ["light", "general", "reasoning"];

    public LinearModel Train(IReadOnlyList<(SparseVector Vector, int Label)> examples, double operatingPoint)
    {
        var n = Categories.Length;
        var weights = new float[n << Bits];
        var squares = new float[n << Bits];
        var bias = new float[n];
        var biasSquares = new float[n];
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(Seed);
        for (var epoch = 0; epoch < Epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var e in order)
            {
                var (vector, label) = examples[e];
                var p = vector.Probabilities(weights, bias);
                for (var c = 0; c < n; c++)
                {
                    var g = p[c] - (c == label ? 1 : 0);
                    biasSquares[c] += g * g;
                    bias[c] -= LearningRate * g / (MathF.Sqrt(biasSquares[c]) + 1e-6f);
                    for (var k = 0; k < vector.Indexes.Length; k++)
                    {
                        var at = vector.Indexes[k] * n + c;
                        var gradient = g * vector.Values[k] + L2 * weights[at];
                        squares[at] += gradient * gradient;
                        weights[at] -= LearningRate * gradient / (MathF.Sqrt(squares[at]) + 1e-6f);
                    }
                }
            }
        }

        return new LinearModel(Bits, Categories, bias, weights, operatingPoint);
    }
}
