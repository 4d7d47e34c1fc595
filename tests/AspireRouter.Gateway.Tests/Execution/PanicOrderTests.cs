using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tests.Breakers;

namespace AspireRouter.Gateway.Tests.Execution;

/// <summary>Which out candidate a request tries first in panic mode.</summary>
public sealed class PanicOrderTests
{
    private static readonly ModelRegistry Registry = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());

    private static Candidate Candidate(string model) => new(Registry.Models[model], Regions.Global, Registry.Endpoint(Registry.Models[model], Regions.Global)!);

    [Fact]
    public async Task CoolingFirst_ThenHalfOpenBusy_ThenOpen_LowestFailureRatioFirst()
    {
        var time = BreakerTestKit.Clock();
        var breakers = BreakerTestKit.Local(time, new CircuitBreakerOptions { MaxConcurrentTrials = 1, SuccessesToClose = 1 });

        // kimi-k2-5 half-open with its one trial taken, glm-5 open at 5 of 5 failures, qwen-3-32b open at 7 of 8,
        // deepseek-v4-flash closed but cooling down after a 429.
        await breakers.FailAsync(5, "kimi-k2-5");
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await breakers.AdmitAsync("kimi-k2-5", Regions.Global)).IsTrial);
        await breakers.FailAsync(5, "glm-5");
        await breakers.SucceedAsync(1, "qwen-3-32b");
        await breakers.FailAsync(7, "qwen-3-32b");
        await breakers.RecordAsync(await breakers.AdmitAsync("deepseek-v4-flash", Regions.Global), BreakerOutcome.RateLimited, TimeSpan.FromSeconds(5));

        var outs = new List<(Candidate, BreakerAdmission)>();
        foreach (var model in new[] { "glm-5", "qwen-3-32b", "kimi-k2-5", "deepseek-v4-flash" })
        {
            var admission = await breakers.AdmitAsync(model, Regions.Global);
            Assert.False(admission.Allowed, model);
            outs.Add((Candidate(model), admission));
        }

        var order = PanicOrder.Sort(outs, breakers, time.GetUtcNow()).Select(c => c.Model.Id);

        Assert.Equal(["deepseek-v4-flash", "kimi-k2-5", "qwen-3-32b", "glm-5"], order);
    }

    [Fact]
    public async Task CoolingDownsEndingSoon_KeepThePolicyOrder_LaterOnesGoBehind_SoonestFirst()
    {
        var time = BreakerTestKit.Clock();
        var breakers = BreakerTestKit.Local(time);

        // A rate-limit storm: every candidate cooling; two for a short default-like while, two for a long Retry-After.
        await Cool("qwen-3-8b", TimeSpan.FromSeconds(1.4));
        await Cool("deepseek-v4-flash", TimeSpan.FromSeconds(0.6));
        await Cool("glm-4-9b", TimeSpan.FromSeconds(30));
        await Cool("qwen-3-32b", TimeSpan.FromSeconds(10));

        var outs = new List<(Candidate, BreakerAdmission)>();
        foreach (var model in new[] { "glm-4-9b", "qwen-3-8b", "qwen-3-32b", "deepseek-v4-flash" })
        {
            outs.Add((Candidate(model), await breakers.AdmitAsync(model, Regions.Global)));
        }

        var order = PanicOrder.Sort(outs, breakers, time.GetUtcNow()).Select(c => c.Model.Id);

        Assert.Equal(["qwen-3-8b", "deepseek-v4-flash", "qwen-3-32b", "glm-4-9b"], order);

        async Task Cool(string model, TimeSpan retryAfter) =>
            await breakers.RecordAsync(await breakers.AdmitAsync(model, Regions.Global), BreakerOutcome.RateLimited, retryAfter);
    }
}
