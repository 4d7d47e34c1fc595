using AspireRouter.Bench.Load;

namespace AspireRouter.Bench.Tests;

public sealed class MixTests
{
    [Fact]
    public void Generate_SameSeed_SameRequests_SharesCloseToTheMix()
    {
        var first = MixWorkload.Generate(10_000, seed: 7, autoShare: 0.2);
        var second = MixWorkload.Generate(10_000, seed: 7, autoShare: 0.2);

        Assert.Equal(first, second);
        Assert.InRange(first.Count(r => r.Category == "light") / 10_000.0, 0.68, 0.72);
        Assert.InRange(first.Count(r => r.Category == "general") / 10_000.0, 0.18, 0.22);
        Assert.InRange(first.Count(r => r.Category == "reasoning") / 10_000.0, 0.06, 0.08);
        Assert.InRange(first.Count(r => r.Category == "multimodal") / 10_000.0, 0.02, 0.04);
        Assert.InRange(first.Count(r => r.Auto) / 10_000.0, 0.18, 0.22);
        Assert.All(first.Where(r => r.Category == "multimodal"), r => Assert.True(r.Image));
    }

    [Fact]
    public void Body_CarriesTheModelAndAnImagePart()
    {
        var body = System.Text.Encoding.UTF8.GetString(new MixRequest("multimodal", false, "What is this?", true, 64).Body("glm-4-6v"));

        Assert.StartsWith("""{"model":"glm-4-6v","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,""", body);
        Assert.EndsWith("""}]}],"max_tokens":64}""", body);
    }

    [Fact]
    public void Format_CostPerThousandAndSavingAgainstTheBaseline()
    {
        MixOutcome[] routed = [new("light", true, 100, 0.001m, "qwen-3-8b"), new("light", true, 300, 0.001m, "qwen-3-8b")];
        MixOutcome[] baseline = [new("light", true, 900, 0.004m, "kimi-k2-5"), new("light", true, 1000, 0.004m, "kimi-k2-5")];

        var table = Mix.Format(routed, baseline, "kimi-k2-5", 10, TimeSpan.FromSeconds(1));

        Assert.Contains("| light | 2 | qwen-3-8b 100% | 100 | 300 | 1.0000 | 900 | 1000 | 4.0000 | 75 % | 0 / 0 |", table);
        Assert.Contains("| all | 2 |", table);
    }
}
