using AspireRouter.Contracts.Registry;

namespace AspireRouter.Gateway.Tests.Registry;

public class RegistryTests
{
    [Fact]
    public void SeedRegistry_IsValid_AndHoldsTheSeedsCategoriesAndModels()
    {
        var registry = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());

        Assert.Equal(["general", "light", "multimodal", "reasoning", "regional-cn"], registry.Categories.Keys.Order());
        Assert.Equal(10, registry.Models.Count);
        Assert.Equal(["qwen-3-8b", "deepseek-v4-flash", "glm-4-9b"], registry.Categories["light"].Chain.AsEnumerable());
        Assert.Equal(["kimi-k2-5", "deepseek-r1", "qwen-3-5-397b"], registry.Categories["reasoning"].Chain.AsEnumerable());
        Assert.Equal(TimeSpan.FromMilliseconds(500), registry.Categories["light"].LatencyBudget);
        Assert.Equal(3, registry.Categories["general"].MaxRetries);
        Assert.True(registry.Models["qwen-3-vl-32b"].Capabilities.Vision);
        Assert.False(registry.Models["qwen-3-8b"].Capabilities.Vision);
    }

    [Fact]
    public void SeedPrices_SpanThreeHundredTimes_OnOutputTokens()
    {
        var registry = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
        var output = registry.Models.Values.Select(m => m.Price.OutputPerMillion).ToList();

        Assert.Equal(0.01m, output.Min());
        Assert.Equal(3.00m, registry.Models["kimi-k2-5"].Price.OutputPerMillion);
        Assert.Equal(300m, registry.Models["kimi-k2-5"].Price.OutputPerMillion / registry.Models["qwen-3-8b"].Price.OutputPerMillion);
    }

    [Fact]
    public void Price_Cost_BillsCachedInputAtItsOwnRate()
    {
        var price = new ModelPrice(1.0m, 0.1m, 2.0m, new DateOnly(2026, 1, 1));

        Assert.Equal((900 * 1.0m + 100 * 0.1m + 500 * 2.0m) / 1_000_000m, price.Cost(1000, 100, 500));
    }

    [Fact]
    public void Validate_UnknownModelInChain_IsRejectedWithTheName()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["light"].Fallbacks.Add("gpt-9");

        var ex = Assert.Throws<RegistryValidationException>(() => ModelRegistry.Create(options));

        Assert.Contains(ex.Errors, e => e.Contains("'light'") && e.Contains("'gpt-9'"));
    }

    [Fact]
    public void Validate_ReportsEveryProblem_NotJustTheFirst()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["general"].Policy = "random";
        options.Categories["general"].MaxRetries = -1;
        options.Categories["reasoning"].LatencyBudget = TimeSpan.Zero;
        options.Models["qwen-3-8b"].Provider = "openai";
        options.Providers["glm"].Regions["cn"].BaseUrl = new Uri("/relative", UriKind.Relative);

        var errors = RegistryOptionsValidator.Validate(options);

        Assert.Contains(errors, e => e.Contains("unknown policy 'random'"));
        Assert.Contains(errors, e => e.Contains("MaxRetries") && e.Contains("-1"));
        Assert.Contains(errors, e => e.Contains("'reasoning'") && e.Contains("LatencyBudget"));
        Assert.Contains(errors, e => e.Contains("unknown provider 'openai'"));
        Assert.Contains(errors, e => e.Contains("'glm'") && e.Contains("BaseUrl"));
    }

    [Fact]
    public void Validate_DuplicateModelInChain_IsRejected()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["light"].Fallbacks = ["qwen-3-8b"];

        var errors = RegistryOptionsValidator.Validate(options);

        Assert.Contains(errors, e => e.Contains("'qwen-3-8b'") && e.Contains("more than once"));
    }

    [Fact]
    public void Validate_ModelInRegionWithoutProviderEndpoint_IsRejected()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Providers["kimi"].Regions.Remove("cn");

        var errors = RegistryOptionsValidator.Validate(options);

        Assert.Contains(errors, e => e.Contains("'kimi-k2-5'") && e.Contains("'cn'"));
    }

    [Fact]
    public void Validate_AutoAsCategoryName_IsReserved()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["auto"] = new CategoryOptions { Primary = "qwen-3-8b" };

        Assert.Contains(RegistryOptionsValidator.Validate(options), e => e.Contains("reserved"));
    }

    [Fact]
    public void Chain_EmptyFallbackEntries_AreDropped_SoAnOverrideCanShortenIt()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["light"].Fallbacks = ["glm-4-9b", ""];

        var registry = ModelRegistry.Create(options);

        Assert.Equal(["qwen-3-8b", "glm-4-9b"], registry.Categories["light"].Chain.AsEnumerable());
    }

    [Fact]
    public void ProviderEndpoint_ToString_NeverShowsTheKey()
    {
        var endpoint = new ProviderEndpoint(new Uri("https://api.example.test/v1"), "sk-secret-123");

        Assert.DoesNotContain("sk-secret-123", endpoint.ToString());
    }
}
