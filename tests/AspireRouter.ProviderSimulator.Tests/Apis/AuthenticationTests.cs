using System.Net;
using System.Net.Http.Headers;
using static AspireRouter.ProviderSimulator.Tests.SimulatorClientExtensions;

namespace AspireRouter.ProviderSimulator.Tests.Apis;

public sealed class AuthenticationTests(SimulatorFactory factory) : IClassFixture<SimulatorFactory>
{
    [Fact]
    public async Task ChatCompletion_WithoutKey_Returns401InvalidApiKey()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostChatAsync(Chat("qwen-3-8b"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = await response.ReadErrorAsync();
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("param").ValueKind);
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ChatCompletion_WithWrongKey_Returns401WithoutEchoingTheKey()
    {
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-not-the-key");

        using var response = await client.PostChatAsync(Chat("qwen-3-8b"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_api_key", body, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-not-the-key", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelList_WithoutKey_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminApi_WithoutKey_IsOpen()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/admin/faults");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
