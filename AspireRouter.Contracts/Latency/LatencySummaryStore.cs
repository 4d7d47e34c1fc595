using System.Globalization;
using AspireRouter.Contracts.Redis;
using StackExchange.Redis;

namespace AspireRouter.Contracts.Latency;

/// <summary>
/// The shared latency summaries in Redis. Per (model, region, metric, slice) a hash of <see cref="LogHistogram"/> bucket
/// index → count (<c>HINCRBY</c>, so any number of writers merge by addition), per (model, region, slice) a failed-attempt
/// counter, and per (model, region) the time of the last probe. Every slice key expires after
/// <see cref="LatencyWindow.Expiry"/>. Writes and reads are pipelined: one round trip per call.
/// </summary>
/// <param name="database">Resolved on each call, so a connection that is still being made never blocks construction.</param>
/// <param name="window">The window all writers and readers share.</param>
/// <param name="time">The clock that picks the current slice.</param>
public sealed class LatencySummaryStore(Func<IDatabase> database, LatencyWindow window, TimeProvider time)
{
    public LatencyWindow Window => window;

    /// <summary>Adds drained batch entries to Redis.</summary>
    public async Task WriteAsync(IReadOnlyDictionary<(string Model, string Region, long Slice), LatencySummary> entries)
    {
        var batch = database().CreateBatch();
        var writes = new List<Task>();
        foreach (var ((model, region, slice), summary) in entries)
        {
            foreach (var metric in LatencyMetrics.All)
            {
                var key = RedisKeys.LatencySlice(model, region, LatencyMetrics.Name(metric), slice);
                var any = false;
                foreach (var (bucket, count) in summary[metric].NonEmpty())
                {
                    writes.Add(batch.HashIncrementAsync(key, bucket, count));
                    any = true;
                }

                if (any)
                {
                    writes.Add(batch.KeyExpireAsync(key, window.Expiry));
                }
            }

            if (summary.Errors > 0)
            {
                var key = RedisKeys.LatencyErrors(model, region, slice);
                writes.Add(batch.StringIncrementAsync(key, summary.Errors));
                writes.Add(batch.KeyExpireAsync(key, window.Expiry));
            }
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>Records that a probe of <paramref name="model"/> in <paramref name="region"/> completed at <paramref name="at"/>.</summary>
    public Task MarkProbedAsync(string model, string region, DateTimeOffset at) =>
        database().StringSetAsync(RedisKeys.LastProbe(model, region),
            at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), window.Window * 12);

    /// <summary>The merged window of every target at the current time (targets without any data are left out).</summary>
    public async Task<IReadOnlyDictionary<(string Model, string Region), LatencySummary>> ReadAsync(
        IEnumerable<(string Model, string Region)> targets)
    {
        var slices = window.SlicesAt(time.GetUtcNow()).ToArray();
        var batch = database().CreateBatch();
        var reads = new List<(string Model, string Region, Task<HashEntry[]>[] Histograms, Task<RedisValue>[] Errors, Task<RedisValue> LastProbe)>();
        foreach (var (model, region) in targets)
        {
            var histograms = new Task<HashEntry[]>[LatencyMetrics.All.Length * slices.Length];
            var errors = new Task<RedisValue>[slices.Length];
            for (var s = 0; s < slices.Length; s++)
            {
                foreach (var metric in LatencyMetrics.All)
                {
                    histograms[((int)metric * slices.Length) + s] =
                        batch.HashGetAllAsync(RedisKeys.LatencySlice(model, region, LatencyMetrics.Name(metric), slices[s]));
                }

                errors[s] = batch.StringGetAsync(RedisKeys.LatencyErrors(model, region, slices[s]));
            }

            reads.Add((model, region, histograms, errors, batch.StringGetAsync(RedisKeys.LastProbe(model, region))));
        }

        batch.Execute();
        var result = new Dictionary<(string Model, string Region), LatencySummary>();
        foreach (var (model, region, histograms, errors, lastProbe) in reads)
        {
            var summary = new LatencySummary();
            foreach (var metric in LatencyMetrics.All)
            {
                for (var s = 0; s < slices.Length; s++)
                {
                    foreach (var entry in await histograms[((int)metric * slices.Length) + s])
                    {
                        summary[metric].Add((int)entry.Name, (long)entry.Value);
                    }
                }
            }

            foreach (var error in errors)
            {
                summary.Errors += (long?)await error ?? 0;
            }

            if ((long?)await lastProbe is { } probedAt)
            {
                summary.LastProbe = DateTimeOffset.FromUnixTimeMilliseconds(probedAt);
            }

            if (summary[LatencyMetric.Total].Count > 0 || summary.Errors > 0 || summary.LastProbe is not null)
            {
                result[(model, region)] = summary;
            }
        }

        return result;
    }
}
