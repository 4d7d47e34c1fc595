using System.Net;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Models;

public sealed class ModelListTests(SimulatorFactory factory) : IClassFixture<SimulatorFactory>
{
    [Fact]
    public async Task ModelList_GlobalRegion_ListsEveryRegistryModelWithItsProvider()
    {
        using var client = factory.CreateAuthorizedClient();

        var list = await (await client.GetAsync("/v1/models")).ReadJsonAsync();

        Assert.Equal("list", list.GetProperty("object").GetString());
        var models = list.GetProperty("data").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m);
        Assert.Equal(10, models.Count);
        Assert.Equal("qwen", models["qwen-3-8b"].GetProperty("owned_by").GetString());
        Assert.Equal("kimi", models["kimi-k2-5"].GetProperty("owned_by").GetString());
        Assert.All(models.Values, m => Assert.Equal("model", m.GetProperty("object").GetString()));
        Assert.All(models.Values, m => Assert.True(m.GetProperty("created").GetInt64() > 0));
    }

    [Fact]
    public async Task ModelNotOfferedInThisRegion_IsNotListedAndReturns404()
    {
        // glm-4-6v offered in 'global' only (the override replaces both list entries), served by a 'cn' instance.
        using var cnFactory = factory.WithWebHostBuilder(b => b
            .UseSetting("Simulator:Region", "cn")
            .UseSetting("Registry:Models:glm-4-6v:Regions:0", "global")
            .UseSetting("Registry:Models:glm-4-6v:Regions:1", "global"));
        using var client = cnFactory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", SimulatorFactory.ApiKey);

        var ids = (await (await client.GetAsync("/v1/models")).ReadJsonAsync()).GetProperty("data").EnumerateArray()
            .Select(m => m.GetProperty("id").GetString()).ToList();
        using var response = await client.PostChatAsync(Chat("glm-4-6v"));

        Assert.Equal(9, ids.Count);
        Assert.DoesNotContain("glm-4-6v", ids);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", (await response.ReadErrorAsync()).GetProperty("code").GetString());
    }
}
