using AspireRouter.Contracts.Latency;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Routing.Policies;

namespace AspireRouter.Gateway.Tests.Routing.Policies;

public class PolicyTests
{
    private static readonly ModelRegistry Seed = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());

    private sealed class FixedLatency(Dictionary<string, double> p99Ms) : ILatencyView
    {
        public LatencyStats? Get(string model, string region) =>
            p99Ms.TryGetValue(model, out var ms) ? new LatencyStats(TimeSpan.FromMilliseconds(ms / 2), TimeSpan.FromMilliseconds(ms * 0.9), TimeSpan.FromMilliseconds(ms), 100, 0) : null;

        public IReadOnlyDictionary<(string Model, string Region), LatencyStats> All => new Dictionary<(string, string), LatencyStats>();
    }

    private static List<Candidate> Chain(string category) =>
        Seed.Categories[category].Chain.Select(id => new Candidate(Seed.Models[id], "global", Seed.Endpoint(Seed.Models[id], "global")!)).ToList();

    private static IEnumerable<string> Ids(IEnumerable<Candidate> candidates) => candidates.Select(c => c.Model.Id);

    [Fact]
    public void Ordered_KeepsTheChain_WhenAllAreWithinBudget()
    {
        var order = new OrderedPolicy().Order(Chain("light"), Seed.Categories["light"], new FixedLatency(new() { ["qwen-3-8b"] = 300, ["deepseek-v4-flash"] = 450 }));

        Assert.Equal(["qwen-3-8b", "deepseek-v4-flash", "glm-4-9b"], Ids(order));
    }

    [Fact]
    public void Ordered_DemotesAModelOverBudget_BehindTheOthers()
    {
        var order = new OrderedPolicy().Order(Chain("light"), Seed.Categories["light"], new FixedLatency(new() { ["qwen-3-8b"] = 900 }));

        Assert.Equal(["deepseek-v4-flash", "glm-4-9b", "qwen-3-8b"], Ids(order));
    }

    [Fact]
    public void CheapestWithinSlo_PicksTheCheapestThatFits()
    {
        // general: deepseek-v4-flash (0.32 blended), qwen-3-32b (0.50), glm-5 (2.52); budget 900 ms.
        var latency = new FixedLatency(new() { ["deepseek-v4-flash"] = 1_500, ["qwen-3-32b"] = 600, ["glm-5"] = 400 });

        var order = new CheapestWithinSloPolicy().Order(Chain("general"), Seed.Categories["general"], latency);

        Assert.Equal(["qwen-3-32b", "glm-5", "deepseek-v4-flash"], Ids(order));
    }

    [Fact]
    public void CheapestWithinSlo_ReordersByPrice_NotChainPosition()
    {
        var order = new CheapestWithinSloPolicy().Order(Chain("reasoning"), Seed.Categories["reasoning"], new FixedLatency([]));

        Assert.Equal(["deepseek-r1", "kimi-k2-5", "qwen-3-5-397b"], Ids(order));
    }

    [Fact]
    public void Fastest_SortsByP99()
    {
        var latency = new FixedLatency(new() { ["kimi-k2-5"] = 1_900, ["deepseek-r1"] = 700, ["qwen-3-5-397b"] = 1_200 });

        var order = new FastestPolicy().Order(Chain("reasoning"), Seed.Categories["reasoning"], latency);

        Assert.Equal(["deepseek-r1", "qwen-3-5-397b", "kimi-k2-5"], Ids(order));
    }

    [Fact]
    public void PolicyRegistry_ResolvesEveryKnownName()
    {
        var registry = new RoutingPolicyRegistry([new OrderedPolicy(), new CheapestWithinSloPolicy(), new FastestPolicy()]);

        foreach (var name in RoutingPolicies.All)
        {
            Assert.Equal(name, registry.For(Seed.Categories["light"] with { Policy = name }).Name);
        }
    }
}
