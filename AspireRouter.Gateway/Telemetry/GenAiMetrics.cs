using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AspireRouter.Gateway.Telemetry;

/// <summary>
/// The OpenTelemetry GenAI client metrics, one set of measurements per provider attempt: token usage, the operation's
/// duration and, for streams, the time to the first chunk. Tags are the conventions' own and bounded by the registry
/// (operation, provider, requested and answering model, server address, error type).
/// </summary>
public sealed class GenAiMetrics
{
    /// <summary>The conventions' advised buckets for token counts.</summary>
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

    /// <summary>The conventions' advised buckets for durations, seconds.</summary>
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private readonly Histogram<long> _tokens;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstChunk;

    public GenAiMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(GatewayMetrics.MeterName);
        _tokens = meter.CreateHistogram("gen_ai.client.token.usage", unit: "{token}",
            description: "Input and output tokens of each provider call.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _duration = meter.CreateHistogram("gen_ai.client.operation.duration", unit: "s",
            description: "Each provider call, to its last byte.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _firstChunk = meter.CreateHistogram("gen_ai.client.operation.time_to_first_chunk", unit: "s",
            description: "Each streamed provider call, to its first chunk.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>What one attempt measured; usage only when tokens were counted (a rejected call reports none).</summary>
    public void Record(in GenAiCall call)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", call.Provider },
            { "gen_ai.request.model", call.RequestModel },
            { "server.address", call.ServerAddress },
        };
        if (call.ResponseModel is not null)
        {
            tags.Add("gen_ai.response.model", call.ResponseModel);
        }

        if (call.ErrorType is not null)
        {
            tags.Add("error.type", call.ErrorType);
        }

        _duration.Record(call.Duration.TotalSeconds, tags);
        if (call.FirstChunk is { } firstChunk)
        {
            _firstChunk.Record(firstChunk.TotalSeconds, tags);
        }

        if (call.InputTokens + call.OutputTokens > 0)
        {
            var input = tags;
            input.Add("gen_ai.token.type", "input");
            _tokens.Record(call.InputTokens, input);
            tags.Add("gen_ai.token.type", "output");
            _tokens.Record(call.OutputTokens, tags);
        }
    }
}

/// <summary>One provider call as the GenAI metrics see it.</summary>
public readonly record struct GenAiCall(
    string Provider,
    string RequestModel,
    string? ResponseModel,
    string ServerAddress,
    string? ErrorType,
    TimeSpan Duration,
    TimeSpan? FirstChunk,
    long InputTokens,
    long OutputTokens);
