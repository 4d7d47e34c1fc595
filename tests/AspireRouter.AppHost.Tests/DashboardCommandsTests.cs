using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// The dashboard commands of issue 18 run through Aspire's command service as the dashboard runs them: the sample
/// app's demo traffic, issuing a virtual key, resetting a model's breaker.
/// </summary>
[Collection(AppCollection.Name)]
public sealed partial class DashboardCommandsTests(AspireRouterAppFixture fixture)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SendDemoTraffic_EveryCallThroughIChatClientSucceeds_AndTheResidentOneStaysInCn()
    {
        var result = await ExecuteAsync("sample-app", "send-demo-traffic");

        Assert.True(result.Success, result.Message);
        using var report = JsonDocument.Parse(result.Data!.Value);
        var calls = report.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(7, calls.Count);
        Assert.All(calls, call => Assert.True(call.GetProperty("succeeded").GetBoolean(), call.ToString()));
        Assert.All(calls, call => Assert.False(string.IsNullOrEmpty(call.GetProperty("model").GetString()), call.ToString()));
        var resident = calls.Single(c => c.GetProperty("name").GetString() == "resident-cn");
        Assert.Equal("cn", resident.GetProperty("region").GetString());
        var stream = calls.Single(c => c.GetProperty("name").GetString() == "stream");
        Assert.True(stream.GetProperty("characters").GetInt32() > 0, stream.ToString());
    }

    [Fact]
    public async Task IssueVirtualKey_ShowsTheSecretOnce_AndTheGatewayAcceptsIt()
    {
        var result = await ExecuteAsync("cost-ledger", "issue-virtual-key", new()
        {
            ["team"] = "dashboard-team",
            ["name"] = "issued from the dashboard",
            ["categories"] = "light",
            ["residency"] = "none",
            ["requestsPerMinute"] = "100",
        });

        Assert.True(result.Success, result.Message);
        var secret = Secret().Match(result.Data!.Value).Groups["secret"].Value;
        Assert.False(string.IsNullOrEmpty(secret), result.Data.Value);

        using var gateway = fixture.CreateHttpClient("gateway-global");
        var status = await Eventually.ValueAsync(() => ChatStatusAsync(gateway, secret, "light"), s => s == HttpStatusCode.OK,
            "the issued key accepted by the gateway", TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(HttpStatusCode.Forbidden, await ChatStatusAsync(gateway, secret, "reasoning")); // only light was allowed
    }

    [Fact]
    public async Task ResetBreaker_ReachesTheGatewaysAdminRoute_ForEveryRegionOfTheModel()
    {
        var result = await ExecuteAsync("gateway-cn", "reset-breaker", new() { ["model"] = "glm-5", ["region"] = "all" });

        Assert.True(result.Success, result.Message);
        using var json = JsonDocument.Parse(result.Data!.Value);
        Assert.Equal("glm-5", json.RootElement.GetProperty("model").GetString());
        Assert.All(json.RootElement.GetProperty("resets").EnumerateArray(), r => Assert.True(r.GetProperty("shared").GetBoolean()));
    }

    private async Task<ExecuteCommandResult> ExecuteAsync(string resource, string command, Dictionary<string, string>? arguments = null)
    {
        using var timeout = new CancellationTokenSource(CommandTimeout);
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        // One instance: the dashboard runs a command on the replica it is clicked on (run on the resource, it would run
        // once per replica — two virtual keys from one click).
        var target = (await fixture.InstancesOfAsync(resource))[0];
        return arguments is null
            ? await commands.ExecuteCommandAsync(target, command, timeout.Token)
            : await commands.ExecuteCommandAsync(target, command, new InteractionInputCollection(
                [.. arguments.Select(a => new InteractionInput { Name = a.Key, InputType = InputType.Text, Value = a.Value })]), timeout.Token);
    }

    private static async Task<HttpStatusCode> ChatStatusAsync(HttpClient gateway, string key, string model)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/chat/completions", UriKind.Relative))
        {
            Content = JsonContent.Create(new { model, messages = new[] { new { role = "user", content = "ping" } }, max_tokens = 4 }),
        };
        request.Headers.Authorization = new("Bearer", key);
        using var response = await gateway.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex("`(?<secret>[^`]+)`")]
    private static partial Regex Secret();
}
