using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AspireRouter.Gateway.Tests.Auth;

/// <summary>
/// Runs the gateway with distinctive provider keys and a distinctive prompt through success and failure paths (upstream
/// 401 that echoes the key, 500, connection error, timeout, stream, bad virtual key) with logging at Trace and every
/// activity recorded, then scans logs, traces and responses: no provider key, virtual key or prompt text may appear.
/// Its listener hears every source in the process, so it runs alone (<see cref="Telemetry.TelemetryCollection"/>).
/// </summary>
[Collection(Telemetry.TelemetryCollection.Name)]
public sealed class SecretLeakTests : IDisposable
{
    private const string PromptCanary = "PROMPT-CANARY-5e1f";
    private const string VirtualKeyCanary = "ar-VIRTUAL-CANARY-9c2d";
    private static readonly string[] Providers = ["qwen", "deepseek", "kimi", "glm"];

    private readonly GatewayFactory _gateway;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _activities = new();

    public SecretLeakTests()
    {
        var settings = new Dictionary<string, string>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Registry:Categories:light:Timeout"] = "00:00:00.500",
        };
        foreach (var provider in Providers)
        {
            settings[$"Registry:Providers:{provider}:Regions:global:ApiKey"] = ProviderKey(provider, "global");
            settings[$"Registry:Providers:{provider}:Regions:cn:ApiKey"] = ProviderKey(provider, "cn");
        }

        _gateway = new GatewayFactory(settings);
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _gateway.Dispose();
    }

    private static string ProviderKey(string provider, string region) => $"sk-LEAKCANARY-{provider}-{region}-7f3a";

    [Fact]
    public async Task ProviderKeys_VirtualKeys_AndPrompts_NeverReachLogsTracesOrResponses()
    {
        using var factory = _gateway.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = true)));
        using var client = factory.CreateClient();
        var responses = new StringBuilder();
        async Task Send(string model, bool stream = false, string? key = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{PromptCanary}} please"}]}""", Encoding.UTF8, "application/json"),
            };
            if (key is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
            }

            using var response = await client.SendAsync(request);
            responses.Append(response.Headers).Append(response.Content.Headers).Append(await response.Content.ReadAsStringAsync());
        }

        await Send("light");
        await Send("light", stream: true);
        _gateway.Stub.On("qwen-3-8b", (request, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized)
        {
            Content = new StringContent("{\"error\":{\"message\":\"Incorrect API key provided: " + request.Headers.Authorization + "\",\"type\":\"invalid_request_error\"}}", Encoding.UTF8, "application/json"),
        }));
        await Send("light");
        _gateway.Stub.On("qwen-3-8b", HttpStatusCode.InternalServerError, "{\"error\":{\"message\":\"upstream broke\"}}");
        await Send("light");
        _gateway.Stub.On("qwen-3-8b", (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused"));
        await Send("light");
        foreach (var model in new[] { "qwen-3-8b", "deepseek-v4-flash", "kimi-k2-5", "glm-4-5-air", "qwen-3-32b" })
        {
            _gateway.Stub.Hang(model);
        }

        await Send("light");
        await Send("light", key: VirtualKeyCanary);
        await Send("general", stream: true);

        var logs = factory.Services.GetRequiredService<FakeLogCollector>().GetSnapshot();
        Assert.NotEmpty(logs);
        Assert.NotEmpty(_activities);
        var logText = string.Join('\n', logs.Select(r => $"[{r.Category}/{r.Id}] {r.Message} {r.Exception} " + string.Join(' ', r.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])));
        var traceText = string.Join('\n', _activities.Select(a => $"{a.DisplayName} {a.StatusDescription} "
            + string.Join(' ', a.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            + string.Join(' ', a.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")))));
        var leaking = logs.FirstOrDefault(r => r.Message.Contains("LEAKCANARY", StringComparison.Ordinal) || (r.StructuredState?.Any(p => p.Value?.Contains("LEAKCANARY", StringComparison.Ordinal) == true) ?? false));
        Assert.True(leaking is null, $"leaking log record: {leaking?.Category}/{leaking?.Id}");
        var haystacks = new Dictionary<string, string> { ["logs"] = logText, ["traces"] = traceText, ["responses"] = responses.ToString() };

        var secrets = Providers.SelectMany(p => new[] { ProviderKey(p, "global"), ProviderKey(p, "cn") }).Append(VirtualKeyCanary).Append("LEAKCANARY");
        foreach (var (where, text) in haystacks)
        {
            foreach (var secret in secrets)
            {
                var at = text.IndexOf(secret, StringComparison.Ordinal);
                Assert.False(at >= 0, $"'{secret}' appears in the {where}: {(at >= 0 ? text[Math.Max(0, text.LastIndexOf('\n', at) + 1)..at] : "")}");
            }

            Assert.False(text.Contains(PromptCanary, StringComparison.Ordinal), $"the prompt text appears in the {where}");
        }
    }
}
