using System.Diagnostics;
using System.Buffers.Binary;
using OpenTelemetry.Trace;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Parent-based ratio sampling whose passed-over traces can still be kept:
/// <list type="bullet">
/// <item>a new trace (no parent) is <em>sampled</em> when its trace id falls in the ratio; a span linked to a sampled
/// trace (the ledger's batch linking back to a request) is sampled;</item>
/// <item>a child follows its parent (sampled or not);</item>
/// <item>a client or producer span without a parent is never sampled: it is a background loop's Redis command or
/// HTTP call (polling a stream, a probe), which would otherwise bury users' requests in the dashboard.</item>
/// </list>
/// An unsampled trace's root is dropped, which the SDK still creates as a context for propagation (no attributes, no
/// processors, no instrumentation callbacks); its provider calls (<see cref="GenAiOperationTag"/>) are recorded but not
/// exported; its other children (HTTP, Redis, the cost event) are not created: an unsampled request costs its root
/// and attempt spans, unexported and without attributes.
/// <see cref="TraceKeeping.Keep"/> turns one into a recorded, sampled span when it turns out to matter (an error, a
/// fallback, a panic, a slow request), with its ancestors, so its request is exported and what starts under it after
/// that is sampled.
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
            return (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Sampled
                : IsGenAiCall(samplingParameters.Tags) ? RecordedOnly
                : Dropped;
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

        // Drop: the SDK still creates a dropped root, as a context for propagation only (no attributes, no processors),
        // which is what TraceKeeping.Keep turns into a recorded span when its request turns out to matter.
        return InRatio(samplingParameters.TraceId) ? Sampled : Dropped;
    }

    /// <summary>
    /// A provider call (a span that starts with <c>gen_ai.operation.name</c>) is recorded under an unsampled request,
    /// so that its span exists should it fail and keep the request; other children of an unsampled request are not
    /// created at all.
    /// </summary>
    private static bool IsGenAiCall(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (tags is null)
        {
            return false;
        }

        foreach (var tag in tags)
        {
            if (tag.Key == GenAiOperationTag)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The GenAI conventions' operation attribute, given at a provider call's start.</summary>
    public const string GenAiOperationTag = "gen_ai.operation.name";

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
