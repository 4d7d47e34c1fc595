using System.Text;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Routing;

public class RoutingTests
{
    private static readonly ModelRegistry Seed = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
    private static readonly TokenEstimator Estimator = new(Options.Create(new TokenEstimationOptions()));
    private static readonly IPromptClassifier Classifier = Classification.Classifiers.Default();

    private static ChatRequest Request(string model, string extra = "", string content = "\"hello\"") =>
        ChatRequestParser.Parse(Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":{{content}}}]{{extra}}}"""), out _)!;

    private const string ImageContent = """[{"type":"text","text":"what is this"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA=="}}]""";

    [Theory]
    [InlineData("light")]
    [InlineData("general")]
    [InlineData("reasoning")]
    [InlineData("multimodal")]
    [InlineData("regional-cn")]
    public void Resolve_CategoryAlias_GivesThatCategory(string category)
    {
        var target = CategoryResolver.Resolve(Seed, Classifier, Request(category), null, out var error);

        Assert.Null(error);
        Assert.Equal(category, target!.Category!.Name);
        Assert.Null(target.Model);
    }

    [Fact]
    public void Resolve_CategoryHeader_WinsOverModel()
    {
        var target = CategoryResolver.Resolve(Seed, Classifier, Request("light"), "reasoning", out _);

        Assert.Equal("reasoning", target!.CategoryName);
    }

    [Fact]
    public void Resolve_ConcreteModelId_GivesThatModelWithoutCategory()
    {
        var target = CategoryResolver.Resolve(Seed, Classifier, Request("glm-5"), null, out _);

        Assert.Equal("glm-5", target!.Model!.Id);
        Assert.Equal("direct", target.CategoryName);
    }

    [Fact]
    public void Resolve_UnknownModel_Is404ModelNotFound()
    {
        var target = CategoryResolver.Resolve(Seed, Classifier, Request("gpt-4o"), null, out var error);

        Assert.Null(target);
        Assert.Equal(404, error!.Status);
        Assert.Equal("model_not_found", error.Code);
        Assert.Contains("light", error.Message);
    }

    [Fact]
    public void Select_Light_FollowsTheChainInTheHomeRegion_ThenTheSameModelsInTheOtherRegion()
    {
        var request = Request("light");
        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(Seed, target, request, Regions.Global, Estimator.For(request));

        Assert.Equal(
            ["qwen-3-8b@global", "deepseek-v4-flash@global", "glm-4-9b@global", "qwen-3-8b@cn", "deepseek-v4-flash@cn", "glm-4-9b@cn"],
            list.Candidates.Select(c => $"{c.Model.Id}@{c.Region}"));
        Assert.Empty(list.Excluded);
    }

    [Fact]
    public void Select_FallbackToGlobalOff_KeepsTheCategoryInItsPreferredRegion()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["light"].FallbackToGlobal = false;
        var registry = ModelRegistry.Create(options);
        var request = Request("light");
        var target = CategoryResolver.Resolve(registry, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(registry, target, request, Regions.Global, Estimator.For(request));

        Assert.Equal(["qwen-3-8b", "deepseek-v4-flash", "glm-4-9b"], list.Candidates.Select(c => c.Model.Id));
        Assert.All(list.Candidates, c => Assert.Equal(Regions.Global, c.Region));
    }

    [Fact]
    public void Select_HomeRegionCn_UsesCnEndpoints()
    {
        var request = Request("general");
        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(Seed, target, request, Regions.Cn, Estimator.For(request));

        Assert.Equal([Regions.Cn, Regions.Cn, Regions.Cn, Regions.Global, Regions.Global, Regions.Global], list.Candidates.Select(c => c.Region));
        Assert.Equal("http://providers-cn/v1", list.Candidates[0].Endpoint.BaseUrl.OriginalString);
    }

    [Fact]
    public void Select_RegionalCn_PrefersCnThenFallsBackToGlobal_WhenAllowed()
    {
        var request = Request("regional-cn");
        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(Seed, target, request, Regions.Global, Estimator.For(request));

        Assert.Equal(
            ["glm-5@cn", "kimi-k2-5@cn", "qwen-3-32b@cn", "glm-5@global", "kimi-k2-5@global", "qwen-3-32b@global"],
            list.Candidates.Select(c => $"{c.Model.Id}@{c.Region}"));
    }

    [Fact]
    public void Select_RegionalCn_StaysInCn_WhenFallbackToGlobalIsOff()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Categories["regional-cn"].FallbackToGlobal = false;
        var registry = ModelRegistry.Create(options);
        var request = Request("regional-cn");
        var target = CategoryResolver.Resolve(registry, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(registry, target, request, Regions.Global, Estimator.For(request));

        Assert.All(list.Candidates, c => Assert.Equal(Regions.Cn, c.Region));
        Assert.Equal(3, list.Candidates.Count);
    }

    [Fact]
    public void Select_ImageOnTextCategory_ExcludesEveryModel_WithReasons()
    {
        var request = Request("light", content: ImageContent);
        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(Seed, target, request, Regions.Global, Estimator.For(request));

        Assert.Empty(list.Candidates);
        Assert.Equal(3, list.Excluded.Count);
        Assert.All(list.Excluded, reason => Assert.Contains("no vision", reason));
    }

    [Fact]
    public void Select_ToolsOnReasoning_SkipsTheModelWithoutToolCalling()
    {
        var request = Request("reasoning", extra: ""","tools":[{"type":"function","function":{"name":"lookup"}}]""");
        var target = CategoryResolver.Resolve(Seed, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(Seed, target, request, Regions.Global, Estimator.For(request));

        Assert.Equal(["kimi-k2-5", "qwen-3-5-397b", "kimi-k2-5", "qwen-3-5-397b"], list.Candidates.Select(c => c.Model.Id));
        Assert.Contains(list.Excluded, r => r.StartsWith("deepseek-r1") && r.Contains("tool"));
    }

    [Fact]
    public void Select_ModelOfferedInOneRegionOnly_IsServedFromThere()
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        options.Models["glm-4-9b"].Regions = [Regions.Cn];
        var registry = ModelRegistry.Create(options);
        var request = Request("light");
        var target = CategoryResolver.Resolve(registry, Classifier, request, null, out _)!;

        var list = CandidateSelector.Select(registry, target, request, Regions.Global, Estimator.For(request));

        Assert.Equal("glm-4-9b@cn", $"{list.Candidates[2].Model.Id}@{list.Candidates[2].Region}");
    }
}
