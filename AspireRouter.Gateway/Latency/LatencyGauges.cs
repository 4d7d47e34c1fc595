using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Latency;

namespace AspireRouter.Gateway.Latency;

/// <summary>
/// The status endpoint's figures as observable gauges for the dashboard, read from the current snapshot at each
/// collection: <c>aspirerouter.latency.percentile</c> (ms; tags model, region, metric, quantile),
/// <c>aspirerouter.latency.error_rate</c> and <c>aspirerouter.latency.samples</c>.
/// </summary>
public sealed class LatencyGauges
{
    public const string MeterName = "AspireRouter.Latency";

    public LatencyGauges(IMeterFactory meterFactory, SharedLatencyView view)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("aspirerouter.latency.percentile", () => Percentiles(view.Snapshot), "ms",
            "Live latency percentiles per model, region and metric over the shared window.");
        meter.CreateObservableGauge("aspirerouter.latency.error_rate", () => view.Snapshot.Models.Values
            .Where(m => m.Total is not null)
            .Select(m => new Measurement<double>(m.Total!.ErrorRate, new("model", m.Model), new("region", m.Region))),
            description: "Failed share of attempts per model and region over the window.");
        meter.CreateObservableGauge("aspirerouter.latency.samples", () => view.Snapshot.Models.Values
            .Select(m => new Measurement<long>(m.Total?.Samples ?? 0, new("model", m.Model), new("region", m.Region))),
            "{sample}", "Successful samples per model and region in the window.");
    }

    private static IEnumerable<Measurement<double>> Percentiles(LatencySnapshot snapshot)
    {
        foreach (var m in snapshot.Models.Values)
        {
            foreach (var (metric, stats) in new[] { (LatencyMetric.Total, m.Total), (LatencyMetric.Ttft, m.Ttft), (LatencyMetric.PerToken, m.PerToken) })
            {
                if (stats is null)
                {
                    continue;
                }

                var name = LatencyMetrics.Name(metric);
                yield return Gauge(m, name, "p50", stats.P50);
                yield return Gauge(m, name, "p95", stats.P95);
                yield return Gauge(m, name, "p99", stats.P99);
            }
        }
    }

    private static Measurement<double> Gauge(ModelLatency m, string metric, string quantile, TimeSpan value) =>
        new(value.TotalMilliseconds, new("model", m.Model), new("region", m.Region), new("metric", metric), new("quantile", quantile));
}
