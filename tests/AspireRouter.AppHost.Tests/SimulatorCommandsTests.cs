using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.AppHost.Tests;

/// <summary>The dashboard's fault commands on a simulator, run through Aspire's command service as the dashboard runs them.</summary>
[Collection(AppCollection.Name)]
public sealed class SimulatorCommandsTests(AspireRouterAppFixture fixture)
{
    private const string Simulator = "providers-cn";

    [Fact]
    public async Task TakeModelDown_ThenRestoreAll_ModelAnswers503ThenRecovers()
    {
        using var client = fixture.CreateHttpClient(Simulator);
        try
        {
            var down = await ExecuteAsync("take-model-down", model: "glm-5");
            Assert.True(down.Success, down.Message);

            var faults = await GetFaultsAsync(client);
            Assert.Equal(1.0, faults.GetProperty("glm-5").GetProperty("errorRate").GetDouble());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ChatStatusAsync(client, "glm-5"));

            var restore = await ExecuteAsync("restore-all-models");
            Assert.True(restore.Success, restore.Message);

            Assert.Empty((await GetFaultsAsync(client)).EnumerateObject());
            Assert.Equal(HttpStatusCode.OK, await ChatStatusAsync(client, "glm-5"));
        }
        finally
        {
            await ExecuteAsync("restore-all-models");
        }
    }

    [Fact]
    public async Task SlowModel_WithoutAnAnswer_SlowsTheLightCategorysPrimary()
    {
        using var client = fixture.CreateHttpClient(Simulator);
        try
        {
            var slow = await ExecuteAsync("slow-model", model: null);
            Assert.True(slow.Success, slow.Message);

            var fault = (await GetFaultsAsync(client)).GetProperty("qwen-3-8b");
            Assert.Equal(5.0, fault.GetProperty("latencyMultiplier").GetDouble());
            Assert.Equal(0.0, fault.GetProperty("errorRate").GetDouble());
        }
        finally
        {
            await ExecuteAsync("restore-all-models");
        }
    }

    private async Task<ExecuteCommandResult> ExecuteAsync(string command, string? model = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var resource = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == Simulator);
        return model is null
            ? await commands.ExecuteCommandAsync(resource, command, timeout.Token)
            : await commands.ExecuteCommandAsync(resource, command, new InteractionInputCollection(
                [new InteractionInput { Name = "model", InputType = InputType.Text, Value = model }]), timeout.Token);
    }

    private static async Task<JsonElement> GetFaultsAsync(HttpClient client) =>
        await client.GetFromJsonAsync<JsonElement>(new Uri("/admin/faults", UriKind.Relative));

    private static async Task<HttpStatusCode> ChatStatusAsync(HttpClient client, string model)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = JsonContent.Create(new { model, messages = new[] { new { role = "user", content = "ping" } }, max_tokens = 4 }),
        };
        request.Headers.Authorization = new("Bearer", "sim-dev-key");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
