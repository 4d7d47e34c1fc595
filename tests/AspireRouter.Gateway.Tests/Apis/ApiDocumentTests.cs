using System.Net;
using System.Text.Json;
using AspireRouter.Gateway.Apis;

namespace AspireRouter.Gateway.Tests.Apis;

/// <summary>The gateway's OpenAPI document: the chat route with its body, the router's request and response headers.</summary>
public sealed class ApiDocumentTests
{
    [Fact]
    public async Task OpenApiDocument_DescribesChatRoute_WithBodyAndRouterHeaders()
    {
        using var factory = new GatewayFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = json.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/router/status", out _));
        var chat = paths.GetProperty("/v1/chat/completions").GetProperty("post");

        var headers = chat.GetProperty("parameters").EnumerateArray()
            .Where(p => p.GetProperty("in").GetString() == "header").Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("X-AspireRouter-Category", headers);
        Assert.Contains("X-AspireRouter-Residency", headers);
        Assert.Contains("X-AspireRouter-Team", headers);

        var body = chat.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var bodySchema = Resolve(json.RootElement, body);
        Assert.True(bodySchema.GetProperty("properties").TryGetProperty("max_tokens", out _), bodySchema.ToString());
        Assert.True(bodySchema.GetProperty("properties").TryGetProperty("messages", out _));

        var ok = chat.GetProperty("responses").GetProperty("200");
        Assert.True(ok.GetProperty("content").TryGetProperty("text/event-stream", out _));
        var responseHeaders = ok.GetProperty("headers").EnumerateObject().Select(h => h.Name).ToList();
        Assert.Contains(RoutingHeaders.Model, responseHeaders);
        Assert.Contains(RoutingHeaders.GatewayRequestId, responseHeaders);
        Assert.Contains(RoutingHeaders.CostUsd, responseHeaders);
        Assert.True(chat.GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task ScalarUi_IsServedInDevelopment()
    {
        using var factory = new GatewayFactory();

        using var response = await factory.CreateClient().GetAsync(new Uri("/scalar", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : schema;
}
