using System.Net;
using System.Text.Json;

namespace AspireRouter.AppHost.Tests;

/// <summary>Each service with an HTTP API serves its OpenAPI document, and the Scalar UI in Development (the AppHost's default).</summary>
[Collection(AppCollection.Name)]
public sealed class ApiDocumentsTests(AspireRouterAppFixture fixture)
{
    [Theory]
    [InlineData("gateway-global", "/v1/chat/completions")]
    [InlineData("cost-ledger", "/v1/admin/keys")]
    public async Task OpenApiDocument_AndScalarUi_AreServed(string resource, string path)
    {
        using var client = fixture.CreateHttpClient(resource);

        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        using var scalar = await client.GetAsync(new Uri("/scalar", UriKind.Relative));

        Assert.True(document.RootElement.GetProperty("paths").TryGetProperty(path, out _), $"{resource} documents {path}");
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }
}
