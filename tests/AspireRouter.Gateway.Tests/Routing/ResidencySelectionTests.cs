using System.Text;
using Microsoft.AspNetCore.Http;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Routing;

/// <summary>The residency requirement as the header sets it, and the candidate list it leaves.</summary>
public sealed class ResidencySelectionTests
{
    private static readonly ModelRegistry Seed = ModelRegistry.Create(SeedRegistryConfiguration.LoadSeedOptions());
    private static readonly TokenEstimator Estimator = new(Options.Create(new TokenEstimationOptions()));

    private static ChatRequest Request(string model) =>
        ChatRequestParser.Parse(Encoding.UTF8.GetBytes($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}]}"""), out _)!;

    private static CandidateList Select(ModelRegistry registry, string category, string? residency, string home)
    {
        var request = Request(category);
        var target = new RouteTarget(registry.Categories[category], null, "test") { Residency = residency };
        return CandidateSelector.Select(registry, target, request, home, Estimator.For(request));
    }

    private static ModelRegistry With(Action<RegistryOptions> change)
    {
        var options = SeedRegistryConfiguration.LoadSeedOptions();
        change(options);
        return ModelRegistry.Create(options);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("none", null)]
    [InlineData("NONE", null)]
    [InlineData("cn", "cn")]
    [InlineData(" CN ", "cn")]
    [InlineData("global", "global")]
    public void TryResolve_Header_GivesTheRegionOrNone(string? header, string? expected)
    {
        Assert.True(ResidencyRequirement.TryResolve(Seed, header, fromKey: null, out var residency, out var error));
        Assert.Null(error);
        Assert.Equal(expected, residency);
    }

    [Theory]
    [InlineData("eu")]
    [InlineData("china")]
    [InlineData("cn,global")]
    public void TryResolve_UnknownRegion_Is400NamingTheHeader(string header)
    {
        Assert.False(ResidencyRequirement.TryResolve(Seed, header, fromKey: null, out _, out var error));
        Assert.Equal(400, error!.Status);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal(ResidencyRequirement.Header, error.Param);
        Assert.Equal("invalid_residency", error.Code);
        Assert.Contains("cn, global", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cn")]
    public void TryResolve_KeyResidency_WinsWhenTheHeaderAgreesOrIsAbsent(string? header)
    {
        Assert.True(ResidencyRequirement.TryResolve(Seed, header, fromKey: "cn", out var residency, out _));
        Assert.Equal("cn", residency);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("global")]
    public void TryResolve_HeaderCannotLoosenTheKeysResidency(string header)
    {
        Assert.False(ResidencyRequirement.TryResolve(Seed, header, fromKey: "cn", out _, out var error));
        Assert.Equal(StatusCodes.Status403Forbidden, error!.Status);
        Assert.Equal("residency_not_allowed", error.Code);
        Assert.Equal(ResidencyRequirement.Header, error.Param);
    }

    [Theory]
    [InlineData("light", "global")]
    [InlineData("light", "cn")]
    [InlineData("regional-cn", "global")]
    [InlineData("general", "global")]
    public void Select_ResidencyCn_KeepsOnlyCnEndpoints_WhateverTheGatewaysHome(string category, string home)
    {
        var list = Select(Seed, category, Regions.Cn, home);

        Assert.Equal(Seed.Categories[category].Chain, list.Candidates.Select(c => c.Model.Id));
        Assert.All(list.Candidates, c => Assert.Equal(Regions.Cn, c.Region));
        Assert.All(list.Candidates, c => Assert.Contains("cn", c.Endpoint.BaseUrl.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void Select_ResidencyCn_LeavesOutAModelOfferedOnlyGlobally()
    {
        var registry = With(o => o.Models["glm-5"].Regions = [Regions.Global]);

        var list = Select(registry, WorkloadCategories.RegionalCn, Regions.Cn, Regions.Cn);

        Assert.Equal(["kimi-k2-5", "qwen-3-32b"], list.Candidates.Select(c => c.Model.Id));
        Assert.All(list.Candidates, c => Assert.Equal(Regions.Cn, c.Region));
        Assert.Contains("glm-5: not offered in 'cn' (residency)", list.Excluded);
        Assert.True(list.ExcludedByResidency);
    }

    [Fact]
    public void Select_ResidencyCn_ChainOfferedOnlyGlobally_HasNoCandidates_AndNoContextShortfall()
    {
        var registry = With(o =>
        {
            foreach (var id in o.Categories["light"].Fallbacks.Prepend(o.Categories["light"].Primary))
            {
                o.Models[id].Regions = [Regions.Global];
            }
        });

        var list = Select(registry, "light", Regions.Cn, Regions.Global);

        Assert.Empty(list.Candidates);
        Assert.True(list.ExcludedByResidency);
        Assert.Null(list.ContextShortfall);
    }

    [Fact]
    public void Select_NoResidency_RegionalCnWithFallbackToGlobal_AddsGlobalAfterTheCnChain()
    {
        var list = Select(Seed, WorkloadCategories.RegionalCn, null, Regions.Cn);

        Assert.Equal(
            ["glm-5@cn", "kimi-k2-5@cn", "qwen-3-32b@cn", "glm-5@global", "kimi-k2-5@global", "qwen-3-32b@global"],
            list.Candidates.Select(c => $"{c.Model.Id}@{c.Region}"));
    }

    [Fact]
    public void Select_NoResidency_RegionalCnWithFallbackToGlobalOff_StaysInCn_EvenForAModelCnLacks()
    {
        var registry = With(o =>
        {
            o.Categories[WorkloadCategories.RegionalCn].FallbackToGlobal = false;
            o.Models["kimi-k2-5"].Regions = [Regions.Global];
        });

        var list = Select(registry, WorkloadCategories.RegionalCn, null, Regions.Global);

        Assert.Equal(["glm-5@cn", "qwen-3-32b@cn"], list.Candidates.Select(c => $"{c.Model.Id}@{c.Region}"));
        Assert.Contains("kimi-k2-5: not offered in 'cn' (FallbackToGlobal off)", list.Excluded);
        Assert.False(list.ExcludedByResidency);
    }

    [Fact]
    public void Allows_OnlyCandidatesOfTheResidencyRegion()
    {
        var model = Seed.Models["glm-5"];
        var target = new RouteTarget(null, model, "test") { Residency = Regions.Cn };

        Assert.True(ResidencyRequirement.Allows(target, new Candidate(model, Regions.Cn, Seed.Endpoint(model, Regions.Cn)!)));
        Assert.False(ResidencyRequirement.Allows(target, new Candidate(model, Regions.Global, Seed.Endpoint(model, Regions.Global)!)));
        Assert.True(ResidencyRequirement.Allows(target with { Residency = null }, new Candidate(model, Regions.Global, Seed.Endpoint(model, Regions.Global)!)));
    }
}
