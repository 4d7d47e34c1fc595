using System.Diagnostics;
using System.Net;
using System.Text;

namespace AspireRouter.Gateway.Tests.Telemetry;

/// <summary>
/// The gateway's GenAI telemetry as a collector gets it: semantic-convention attributes and metrics per attempt, a
/// trace per request that reads gateway → attempts → cost event, and no prompt or completion text anywhere.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class GenAiTelemetryTests : IDisposable
{
    private readonly TracedGateway _traced = new(sampleRatio: 1);

    [Fact]
    public async Task Completion_AttemptSpanCarriesGenAiAttributes_TraceReadsGatewayAttemptCostEvent()
    {
        (await _traced.PostAsync("qwen-3-8b")).EnsureSuccessStatusCode();

        await _traced.UntilAsync(() => _traced.Spans.FirstOrDefault(s => s.Kind == ActivityKind.Server), "the request's server span");
        var spans = _traced.Spans;
        var attempt = Assert.Single(spans, s => s.DisplayName == "chat qwen-3-8b");
        Assert.Equal(ActivityKind.Client, attempt.Kind);
        Assert.Equal("chat", attempt.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("qwen", attempt.GetTagItem("gen_ai.provider.name"));
        var providerModel = (string)attempt.GetTagItem("gen_ai.request.model")!;
        Assert.Equal(providerModel, attempt.GetTagItem("gen_ai.response.model")); // the stub answers with the model it was asked for
        Assert.Equal(["stop"], (string[])attempt.GetTagItem("gen_ai.response.finish_reasons")!);
        Assert.Equal(5L, attempt.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(4L, attempt.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal("qwen.global.test", attempt.GetTagItem("server.address"));
        Assert.True((double)attempt.GetTagItem("aspirerouter.cost_usd")! > 0);

        // One trace: the gateway's server span, the attempt under it, the cost event under it.
        var costEvent = Assert.Single(spans, s => s.DisplayName == "publish ar:costs");
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal(server.SpanId, attempt.ParentSpanId);
        Assert.Equal(server.SpanId, costEvent.ParentSpanId);
        Assert.Equal(ActivityKind.Producer, costEvent.Kind);
        Assert.Equal(attempt.GetTagItem("aspirerouter.cost_usd"), costEvent.GetTagItem("aspirerouter.cost_usd"));

        // Content is never recorded: neither the prompt nor the answer's text is in any span.
        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), tag => tag.Value?.ToString() is { } v && (v.Contains("lighthouse") || v.Contains("Hello from")));

        var metrics = _traced.Metrics();
        var usage = metrics.Where(m => m.Name == "gen_ai.client.token.usage").SelectMany(m => m.MetricPoints).ToList();
        Assert.Equal(5, usage.Where(p => TracedGateway.Tag(p, "gen_ai.token.type") == "input").Sum(p => p.GetHistogramSum()));
        Assert.Equal(4, usage.Where(p => TracedGateway.Tag(p, "gen_ai.token.type") == "output").Sum(p => p.GetHistogramSum()));
        Assert.All(usage, p => Assert.Equal(providerModel, TracedGateway.Tag(p, "gen_ai.response.model")));
        var duration = metrics.Where(m => m.Name == "gen_ai.client.operation.duration").SelectMany(m => m.MetricPoints);
        Assert.Equal(1, duration.Sum(p => p.GetHistogramCount()));
    }

    [Fact]
    public async Task Stream_ModelFinishReasonAndUsageFromItsChunks_TimeToFirstChunkMeasured()
    {
        const string answering = "qwen3-8b-0425";
        _traced.Gateway.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(
                StubProvider.Chunk(answering, "Hi")
                + $$$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"{{{answering}}}","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}""" + "\n\n"
                + $$$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"{{{answering}}}","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}""" + "\n\n"
                + "data: [DONE]\n\n",
                Encoding.UTF8,
                "text/event-stream"),
        }));

        var response = await _traced.PostAsync("qwen-3-8b", stream: true);
        await response.Content.ReadAsStringAsync();

        var attempt = await _traced.UntilAsync(() => _traced.Spans.FirstOrDefault(s => s.DisplayName == "chat qwen-3-8b"), "the attempt's span");
        Assert.Equal(answering, attempt.GetTagItem("gen_ai.response.model"));
        Assert.Equal(["length"], (string[])attempt.GetTagItem("gen_ai.response.finish_reasons")!);
        Assert.Equal(11L, attempt.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(3L, attempt.GetTagItem("gen_ai.usage.output_tokens"));
        var firstChunk = _traced.Metrics().Where(m => m.Name == "gen_ai.client.operation.time_to_first_chunk").SelectMany(m => m.MetricPoints);
        Assert.Equal(1, firstChunk.Sum(p => p.GetHistogramCount()));
    }

    public void Dispose() => _traced.Dispose();
}
