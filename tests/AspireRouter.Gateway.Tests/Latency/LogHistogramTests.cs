using AspireRouter.Contracts.Latency;

namespace AspireRouter.Gateway.Tests.Latency;

public class LogHistogramTests
{
    public static TheoryData<string> Distributions => new() { "lognormal", "pareto", "bimodal", "uniform" };

    private static double[] Samples(string distribution, int count, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ => distribution switch
        {
            // Milliseconds: a 300 ms median with a heavy right tail, as LLM latencies have.
            "lognormal" => 300 * Math.Exp(0.6 * Normal()),
            "pareto" => 120 / Math.Pow(1 - random.NextDouble(), 1 / 1.5),
            "bimodal" => random.NextDouble() < 0.9 ? 200 + (40 * Normal()) : 2_500 + (400 * Normal()),
            _ => 50 + (random.NextDouble() * 950),
        }).Select(v => Math.Max(v, 1)).ToArray();
    }

    private static double Exact(double[] sorted, double q) => sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];

    [Theory]
    [MemberData(nameof(Distributions))]
    public void Percentiles_AreWithinFivePercentOfExact_OnSkewedDistributions(string distribution)
    {
        var samples = Samples(distribution, 50_000, seed: 17);
        var histogram = new LogHistogram();
        foreach (var ms in samples)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        Array.Sort(samples);
        foreach (var q in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = Exact(samples, q);
            var estimated = histogram.Quantile(q)!.Value.TotalMilliseconds;
            Assert.InRange(Math.Abs(estimated - exact) / exact, 0, 0.05);
        }
    }

    [Fact]
    public void Merge_OfPartsEqualsTheWhole()
    {
        var samples = Samples("lognormal", 10_000, seed: 3);
        var whole = new LogHistogram();
        var a = new LogHistogram();
        var b = new LogHistogram();
        for (var i = 0; i < samples.Length; i++)
        {
            whole.Record(TimeSpan.FromMilliseconds(samples[i]));
            (i % 2 == 0 ? a : b).Record(TimeSpan.FromMilliseconds(samples[i]));
        }

        a.Merge(b);

        Assert.Equal(whole.Count, a.Count);
        Assert.Equal(whole.NonEmpty(), a.NonEmpty());
    }

    [Fact]
    public void Quantile_OfEmpty_IsNull() => Assert.Null(new LogHistogram().Quantile(0.99));

    [Fact]
    public void ExtremeValues_AreClampedNotLost()
    {
        var histogram = new LogHistogram();
        histogram.Record(TimeSpan.Zero);
        histogram.Record(TimeSpan.FromHours(5));

        Assert.Equal(2, histogram.Count);
        Assert.True(histogram.Quantile(1.0) > TimeSpan.FromMinutes(5));
    }
}
