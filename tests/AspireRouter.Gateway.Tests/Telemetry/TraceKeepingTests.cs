using System.Diagnostics;
using System.Net;

namespace AspireRouter.Gateway.Tests.Telemetry;

/// <summary>
/// Ratio sampling at 0 through the whole gateway: no ordinary request is exported, every failed or fallen-back
/// request is, whole from its server span down (failed attempts, the answering one, its cost event).
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TraceKeepingTests : IDisposable
{
    private readonly TracedGateway _traced = new(sampleRatio: 0);

    [Fact]
    public async Task RatioZero_EveryFailedOrFallenBackRequestIsExported_NoPlainSuccessIs()
    {
        for (var i = 0; i < 5; i++)
        {
            (await _traced.PostAsync("light")).EnsureSuccessStatusCode();
        }

        _traced.Gateway.Stub.On("qwen-3-8b", HttpStatusCode.ServiceUnavailable);
        (await _traced.PostAsync("light")).EnsureSuccessStatusCode();
        Assert.False((await _traced.PostAsync("qwen-3-8b")).IsSuccessStatusCode);

        var servers = await _traced.UntilAsync(
            () => _traced.Spans.Where(s => s.Kind == ActivityKind.Server).ToList() is { Count: 2 } found ? found : null,
            "the two server spans");
        // The winning attempt's span and the cost event's end around the response, possibly after the server span.
        var fallback = await _traced.UntilAsync(
            () => _traced.Spans.Where(s => s.TraceId == servers[0].TraceId).ToList() is { } spans
                && spans.Any(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal) && s.Status != ActivityStatusCode.Error)
                && spans.Any(s => s.DisplayName == "publish ar:costs") ? spans : null,
            "the fallback's successful attempt and its cost event");
        Assert.Contains(fallback, s => s.DisplayName == "chat qwen-3-8b" && s.Status == ActivityStatusCode.Error);
        var failed = _traced.Spans.Where(s => s.TraceId == servers[1].TraceId).ToList();
        Assert.Equal(ActivityStatusCode.Error, servers[1].Status);
        Assert.All(failed.Where(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)), s => Assert.Equal(ActivityStatusCode.Error, s.Status));

        // A kept request's span was only a context when it started; it is exported described like a sampled one.
        Assert.All(servers, server =>
        {
            Assert.Equal("POST", server.GetTagItem("http.request.method"));
            Assert.Equal("/v1/chat/completions", server.GetTagItem("url.path"));
            Assert.NotNull(server.GetTagItem("http.response.status_code"));
        });

        // Nothing of the five plain successes: every exported span belongs to one of the two kept traces.
        Assert.All(_traced.Spans, s => Assert.Contains(s.TraceId, servers.Select(server => server.TraceId)));
    }

    public void Dispose() => _traced.Dispose();
}
