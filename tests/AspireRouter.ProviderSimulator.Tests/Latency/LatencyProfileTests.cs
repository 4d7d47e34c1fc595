using AspireRouter.Contracts.Registry;
using AspireRouter.ProviderSimulator.Latency;
using Xunit.Abstractions;
using AspireRouter.ProviderSimulator.Configuration;

namespace AspireRouter.ProviderSimulator.Tests.Latency;

public sealed class LatencyProfileTests(ITestOutputHelper output)
{
    private const int Draws = 5000;

    /// <summary>The seed's p99 for a typical short answer, in milliseconds.</summary>
    public static TheoryData<string, double> SeedP99 => new()
    {
        { "qwen-3-8b", 320 },
        { "glm-4-9b", 400 },
        { "glm-5", 400 },
        { "qwen-3-32b", 450 },
        { "deepseek-v4-flash", 680 },
        { "deepseek-r1", 730 },
        { "qwen-3-vl-32b", 900 },
        { "glm-4-6v", 1000 },
        { "qwen-3-5-397b", 1200 },
        { "kimi-k2-5", 1900 },
    };

    [Theory]
    [MemberData(nameof(SeedP99))]
    public void DefaultProfile_SampledP99_MatchesTheSeedFigure(string model, double expectedP99Ms)
    {
        var profile = DefaultLatencyProfiles.Create()[model];
        var sampler = new LatencySampler(new Random(20260101));

        var draws = Enumerable.Range(0, Draws).Select(_ => sampler.TypicalAnswer(profile).TotalMilliseconds).Order().ToArray();
        var p50 = draws[Draws / 2];
        var p99 = draws[(int)(Draws * 0.99)];

        output.WriteLine($"{model}: p50 {p50:F0} ms, p99 {p99:F0} ms (seed p99 {expectedP99Ms} ms)");
        Assert.InRange(p99, expectedP99Ms * 0.9, expectedP99Ms * 1.1);
    }

    [Fact]
    public void DefaultProfiles_CoverEveryRegistryModel()
    {
        var profiles = DefaultLatencyProfiles.Create();

        Assert.All(SeedRegistryConfiguration.LoadSeedOptions().Models.Keys, model => Assert.True(profiles.ContainsKey(model), model));
    }

    [Fact]
    public void TimeToFirstToken_GrowsWithPromptTokens()
    {
        var profile = new LatencyProfileOptions { TimeToFirstTokenMedian = TimeSpan.FromMilliseconds(100), TimeToFirstTokenP99 = TimeSpan.FromMilliseconds(100) };
        var sampler = new LatencySampler(new Random(1));

        Assert.Equal(100, sampler.TimeToFirstToken(profile, 0).TotalMilliseconds, precision: 3);
        Assert.Equal(300, sampler.TimeToFirstToken(profile, 10_000).TotalMilliseconds, precision: 3);
    }
}
