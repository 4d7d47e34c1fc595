using System.Diagnostics;
using System.Buffers.Binary;
using OpenTelemetry.Trace;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Parent-based ratio sampling that can still keep a trace it did not pick. Every span is at least recorded, so the
/// decision can wait until the span ends:
/// <list type="bullet">
/// <item>a new trace (no parent) is <em>sampled</em> when its trace id falls in the ratio, otherwise only
/// <em>recorded</em> (created, not exported); a span linked to a sampled trace (the ledger's batch linking back to a
/// request) is sampled;</item>
/// <item>a child follows its parent: sampled under a sampled parent, recorded under a recorded one (so a later
/// error can still keep it and the parent);</item>
/// <item>a client or producer span without a parent is dropped outright: it is a background loop's Redis command or
/// HTTP call (polling a stream, a probe), which would otherwise bury users' requests in the dashboard.</item>
/// </list>
/// <see cref="TraceKeepingProcessor"/> then exports recorded-only spans that turned out to matter.
/// </summary>
public sealed class KeepingSampler : Sampler
{
    private static readonly SamplingResult Sampled = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult RecordedOnly = new(SamplingDecision.RecordOnly);
    private static readonly SamplingResult Dropped = new(SamplingDecision.Drop);

    private readonly long _idUpperBound;

    public KeepingSampler(double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratio, 0d);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratio, 1d);
        Ratio = ratio;
        // As TraceIdRatioBasedSampler: compare the trace id's first 8 bytes (made non-negative) with ratio × long.MaxValue.
        _idUpperBound = ratio >= 1d ? long.MaxValue : (long)(ratio * long.MaxValue);
        Description = $"KeepingSampler{{{ratio:0.######}}}";
    }

    public double Ratio { get; }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Sampled : RecordedOnly;
        }

        if (samplingParameters.Kind is ActivityKind.Client or ActivityKind.Producer)
        {
            return Dropped;
        }

        if (samplingParameters.Links is { } links)
        {
            foreach (var link in links)
            {
                if ((link.Context.TraceFlags & ActivityTraceFlags.Recorded) != 0)
                {
                    return Sampled;
                }
            }
        }

        return InRatio(samplingParameters.TraceId) ? Sampled : RecordedOnly;
    }

    private bool InRatio(ActivityTraceId traceId)
    {
        if (_idUpperBound == long.MaxValue)
        {
            return true;
        }

        Span<byte> bytes = stackalloc byte[16];
        traceId.CopyTo(bytes);
        var value = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return Math.Abs(value == long.MinValue ? long.MaxValue : value) < _idUpperBound;
    }
}
