using System.Text;
using AspireRouter.Bench.Load;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.Bench.Tests;

public sealed class BrownoutTests
{
    private static readonly BrownoutScenario Healthy = new("healthy", [], HealthyCapacity: true);
    private static readonly BrownoutScenario Storm = new("50 % 429", FaultSetting.Everywhere("*", 0.5, 429));
    private static readonly BrownoutScenario Outage = new("100 % 503", FaultSetting.Everywhere("*", 1.0), Amplification: true);

    [Fact]
    public void AttemptsPerRequest_IsTotalAttemptsOverRequests_FailedOnesIncluded()
    {
        BrownoutOutcome[] outcomes = [Ok(0, attempts: 1), Ok(1, attempts: 3), Failed(2, attempts: 2)];

        Assert.Equal(2.0, BrownoutReport.AttemptsPerRequest(outcomes), 6);
        Assert.True(double.IsNaN(BrownoutReport.AttemptsPerRequest([])));
    }

    [Fact]
    public void SteadyAttempts_CountOnlyRequestsSentInTheSecondHalf()
    {
        // The first half amplifies (the throttle has not seen enough yet); the second half is the steady state.
        var run = new BrownoutRun(Outage, BrownoutReport.Gateway, TimeSpan.FromSeconds(10),
            [Failed(0, attempts: 6), Failed(4.9, attempts: 6), Failed(5, attempts: 1), Failed(9, attempts: 2)]);

        Assert.Equal(3.75, run.AttemptsPerRequest, 6);
        Assert.Equal(1.5, run.SteadyAttemptsPerRequest, 6);
    }

    [Fact]
    public void Checks_HealthyCapacityNeedsThreeNines_AndNeverBelowTheSeed_AndP99AtOrBelowIt()
    {
        // 999 of 1,000 is exactly 99.9 %: met; the seed at 100 % is not met by it.
        var gateway = Run(Healthy, BrownoutReport.Gateway, ok: 999, failed: 1, ms: 100);
        var seed = Run(Healthy, BrownoutReport.Seed, ok: 1000, failed: 0, ms: 100);

        var checks = BrownoutReport.Checks([gateway, seed]).ToList();

        Assert.Equal(
        [
            "| success | healthy | 99.90 % | >= 99.9 % | yes |",
            "| success vs seed | healthy | 99.90 % vs 100.00 % | >= seed | **no** |",
            "| p99 to an answer vs seed | healthy | 100 vs 100 ms | <= seed | yes |",
        ], checks);
    }

    [Fact]
    public void Checks_WithoutHealthyCapacity_OnlyTheSeedIsTheBar_AndAmplificationIsCheckedOnTheSecondHalf()
    {
        var storm = BrownoutReport.Checks([Run(Storm, BrownoutReport.Gateway, ok: 95, failed: 5, ms: 50), Run(Storm, BrownoutReport.Seed, ok: 90, failed: 10, ms: 900)]).ToList();
        var outage = new BrownoutRun(Outage, BrownoutReport.Gateway, TimeSpan.FromSeconds(10), [Failed(1, attempts: 9), Failed(6, attempts: 1), Failed(7, attempts: 2)]);
        var seedOutage = new BrownoutRun(Outage, BrownoutReport.Seed, TimeSpan.FromSeconds(10), [Failed(1, attempts: 12, ms: 9000)]);

        var amplification = BrownoutReport.Checks([outage, seedOutage]).ToList();

        Assert.DoesNotContain(storm, row => row.StartsWith("| success | ", StringComparison.Ordinal));
        Assert.Contains("| success vs seed | 50 % 429 | 95.00 % vs 90.00 % | >= seed | yes |", storm);
        Assert.DoesNotContain(storm, row => row.StartsWith("| p99", StringComparison.Ordinal)); // 5 % and 10 % failed: neither answered 99 %
        Assert.DoesNotContain(amplification, row => row.StartsWith("| p99", StringComparison.Ordinal));
        Assert.Contains("| attempts/req, 2nd half | 100 % 503 | 1.50 | <= 1.2 | **no** |", amplification);
    }

    [Fact]
    public void P99Check_CountsAFailureAsNeverAnswered_SoFailingFastIsNotFast()
    {
        // The seed fails 86 % of requests in 5 ms; its p99 over every request is 5 ms, but it answers none of them.
        var gateway = Run(Healthy, BrownoutReport.Gateway, ok: 100, failed: 0, ms: 1800);
        var seed = Run(Healthy, BrownoutReport.Seed, ok: 14, failed: 86, ms: 5);

        Assert.Equal(5, seed.Percentile(99));
        Assert.Contains("| p99 to an answer vs seed | healthy | 1800 vs ∞ ms | <= seed | yes |", BrownoutReport.Checks([gateway, seed]));
    }

    [Theory]
    [InlineData(1.01, "**no**, within noise")] // 1 % slower: resampling puts 0 inside the difference's interval
    [InlineData(1.5, "**no**")] // half as slow again: clearly above
    public void AP99Miss_SaysWhetherTheRunCanTellTheRoutersApart(double slower, string verdict)
    {
        // A heavy tail, as one model's latency has: 800 answers, each rank e^(4/800) slower than the one before.
        var seed = Tail(BrownoutReport.Seed, 1.0);
        var gateway = Tail(BrownoutReport.Gateway, slower);

        var row = Assert.Single(BrownoutReport.Checks([gateway, seed]), r => r.StartsWith("| p99", StringComparison.Ordinal));

        Assert.EndsWith($"| <= seed | {verdict} |", row, StringComparison.Ordinal);
        Assert.Contains("difference's 95 % interval", row, StringComparison.Ordinal);
        var (low, high) = BrownoutReport.AnswerDifferenceInterval(gateway, seed, 99);
        Assert.True(low < high);
        Assert.Equal(slower < 1.1, low <= 0);

        static BrownoutRun Tail(string router, double scale) => new(Healthy, router, TimeSpan.FromSeconds(10),
            [.. Enumerable.Range(0, 800).Select(i => Ok(0) with { Ms = scale * 100 * Math.Exp(4.0 * i / 800) })]);
    }

    [Theory]
    [InlineData(1.0, "100.00 %")]
    [InlineData(0.99999, "99.99 %")]
    [InlineData(0.5, "50.00 %")]
    [InlineData(double.NaN, "n/a")]
    public void Percent_RoundsDown_SoAnyFailureNeverReadsAsAHundred(double share, string expected) =>
        Assert.Equal(expected, BrownoutReport.Percent(share));

    [Fact]
    public void Format_PutsTheRoutersSideBySide_AndListsWhyRequestsFailed()
    {
        var gateway = new BrownoutRun(Storm, BrownoutReport.Gateway, TimeSpan.FromSeconds(10),
            [Ok(0, attempts: 1, panic: true), Failed(1, attempts: 2, failure: "503 retries_throttled"), Failed(2, attempts: 2, failure: "503 retries_throttled"), Ok(3, attempts: 1)]);
        var seed = Run(Storm, BrownoutReport.Seed, ok: 4, failed: 0, ms: 100);

        var table = BrownoutReport.Format([gateway, seed]);

        Assert.Contains("| 50 % 429 | 50.00 % | 100.00 % | 5 | 100 | 100 | 100 | 1.50 | 1.00 | 25.0 | 4 / 4 |", table);
        Assert.Contains("- 50 % 429, gateway: 2 of 4 — 503 retries_throttled ×2", table);
    }

    [Fact]
    public void Sequences_KeepRightAfterScenariosWithTheOneBefore()
    {
        var sequences = Brownout.Sequences(BrownoutScenarios.All);

        Assert.Equal(BrownoutScenarios.All.Count, sequences.Sum(s => s.Count));
        Assert.All(sequences, s => Assert.False(s[0].AfterPrevious));
        Assert.Contains(sequences, s => s.Count == 2 && s[0].Name == "30 % 503 everywhere" && s[1].Name.Contains("right after the 30 %", StringComparison.Ordinal));
        Assert.True(BrownoutScenarios.All[^1].Amplification); // 100 % errors runs last: its throttle state would follow the others
    }

    [Fact]
    public void Select_BringsTheScenarioARightAfterOneFollows()
    {
        var chosen = Brownout.Select(BrownoutScenarios.All, "1,4");

        Assert.Equal(["healthy", "30 % 503 everywhere", "qwen-3-8b down, right after the 30 % brownout"], chosen.Select(s => s.Name));
    }

    [Fact]
    public void Workload_SameSeedSameRequests_SharesCloseToTheIssuesMix()
    {
        var first = new BrownoutWorkload(3);
        var second = new BrownoutWorkload(3);
        var requests = Enumerable.Range(0, 20_000).Select(_ => first.Next()).ToList();

        Assert.Equal(requests.Take(100), Enumerable.Range(0, 100).Select(_ => second.Next()));
        Assert.InRange(requests.Count(r => r.Category == "light") / 20_000.0, 0.38, 0.42);
        Assert.InRange(requests.Count(r => r.Category == "general") / 20_000.0, 0.28, 0.32);
        Assert.InRange(requests.Count(r => r.Category == "regional-cn") / 20_000.0, 0.13, 0.17);
        Assert.InRange(requests.Count(r => r.Category == "reasoning") / 20_000.0, 0.13, 0.17);
        Assert.InRange(requests.Count(r => r.Stream) / 20_000.0, 0.23, 0.27);
    }

    [Fact]
    public void FaultSetting_IsTheSimulatorsAdminBody()
    {
        Assert.Equal("""{"errorRate":0.3,"status":503}""", new FaultSetting("global", "*", 0.3).Json());
        Assert.Equal("""{"errorRate":0.5,"status":429,"retryAfter":1}""", new FaultSetting("cn", "*", 0.5, 429, 1).Json());
    }

    [Fact]
    public void GatewayBody_NamesTheCategory_AndStreamsOnlyWhenAsked()
    {
        Assert.Equal("""{"model":"light","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}""",
            Encoding.UTF8.GetString(GatewayRouter.Body(new BrownoutRequest("light", false, "Hi"))));
        Assert.EndsWith(""","max_tokens":64,"stream":true}""", Encoding.UTF8.GetString(GatewayRouter.Body(new BrownoutRequest("general", true, "Hi"))));
    }

    [Theory]
    [InlineData("""{"error":{"message":"m","type":"api_error","param":null,"code":"retries_throttled"}}""", "retries_throttled")]
    [InlineData("""{"error":{"message":"m","type":"api_error","param":null,"code":null}}""", "api_error")]
    [InlineData("not json", "?")]
    public void ErrorCode_ReadsTheOpenAiErrorBody(string body, string expected) =>
        Assert.Equal(expected, GatewayRouter.ErrorCode(Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void SeedRouterChains_AreTheSeedRegistrys()
    {
        var registry = SeedRegistryConfiguration.LoadSeedOptions();

        Assert.Equal(registry.Categories.Keys.Order(StringComparer.Ordinal), SeedRouter.Chains.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, category) in registry.Categories)
        {
            Assert.Equal([category.Primary, .. category.Fallbacks], SeedRouter.Chains[name]);
        }
    }

    private static BrownoutOutcome Ok(double second, int attempts = 1, bool panic = false) =>
        new("light", TimeSpan.FromSeconds(second), true, 100, attempts, panic);

    private static BrownoutOutcome Failed(double second, int attempts = 1, string failure = "503 upstream_unavailable", double ms = 5) =>
        new("light", TimeSpan.FromSeconds(second), false, ms, attempts, Failure: failure);

    private static BrownoutRun Run(BrownoutScenario scenario, string router, int ok, int failed, double ms) =>
        new(scenario, router, TimeSpan.FromSeconds(10),
            [.. Enumerable.Range(0, ok).Select(_ => Ok(0) with { Ms = ms }), .. Enumerable.Range(0, failed).Select(_ => Failed(0, ms: ms))]);
}
