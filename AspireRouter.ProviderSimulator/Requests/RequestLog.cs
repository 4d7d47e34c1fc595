using AspireRouter.ProviderSimulator.Configuration;
using Microsoft.Extensions.Options;

namespace AspireRouter.ProviderSimulator.Requests;

/// <summary>One provider call as <c>GET /admin/requests</c> shows it.</summary>
/// <param name="Time">When the call arrived.</param>
/// <param name="Model">The requested model; null when the call failed before its body was read (401, bad JSON).</param>
/// <param name="Region">The region this instance plays.</param>
/// <param name="CrossRegion">Arrived under <c>/cross-region</c>.</param>
/// <param name="Stream">Asked for a stream.</param>
/// <param name="Status">The status sent, or 499 when the client went away first.</param>
/// <param name="RequestId">The caller's <c>X-Request-Id</c> header (first 128 characters).</param>
/// <param name="Duration">Arrival to last byte.</param>
/// <param name="Fault">The injected fault that shaped the answer: <c>error</c>, <c>hang</c>, <c>fail-mid-stream</c>.</param>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string? Model,
    string Region,
    bool CrossRegion,
    bool Stream,
    int Status,
    string? RequestId,
    TimeSpan Duration,
    string? Fault);

/// <summary>Requests and statuses counted per model since start or the last clear.</summary>
public sealed record RequestStats(long Total, IReadOnlyDictionary<string, SortedDictionary<int, long>> Models);

/// <summary>
/// The most recent provider calls (a bounded ring buffer, <see cref="SimulatorOptions.RequestLogCapacity"/>) and
/// counts per model and status. One short lock per call: cheap next to an HTTP request.
/// </summary>
public sealed class RequestLog(IOptions<SimulatorOptions> options)
{
    /// <summary>Stats key of calls that ended before a model was known.</summary>
    public const string NoModel = "(none)";

    private readonly Lock _lock = new();
    private readonly RequestRecord?[] _ring = new RequestRecord?[options.Value.RequestLogCapacity];
    private readonly Dictionary<(string Model, int Status), long> _counts = [];
    private long _total;

    public int Capacity => _ring.Length;

    public void Add(RequestRecord record)
    {
        lock (_lock)
        {
            _ring[_total % _ring.Length] = record;
            _total++;
            var key = (record.Model ?? NoModel, record.Status);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Up to <paramref name="limit"/> calls, newest first.</summary>
    public IReadOnlyList<RequestRecord> Recent(int limit)
    {
        lock (_lock)
        {
            var count = (int)Math.Min(Math.Min(limit, _ring.Length), _total);
            var recent = new RequestRecord[count];
            for (var i = 0; i < count; i++)
            {
                recent[i] = _ring[(_total - 1 - i) % _ring.Length]!;
            }

            return recent;
        }
    }

    public RequestStats Stats()
    {
        lock (_lock)
        {
            var models = new SortedDictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
            foreach (var ((model, status), count) in _counts)
            {
                if (!models.TryGetValue(model, out var statuses))
                {
                    models[model] = statuses = [];
                }

                statuses[status] = count;
            }

            return new RequestStats(_total, models);
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            Array.Clear(_ring);
            _counts.Clear();
            _total = 0;
        }
    }
}
