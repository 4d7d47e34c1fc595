using System.Diagnostics.Metrics;
using AspireRouter.Gateway.Latency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireRouter.Gateway.Tests.Latency;

public sealed class LatencyGaugesTests
{
    [Fact]
    public async Task Gauges_ShowTheSnapshotsPercentiles_PerModelRegionAndQuantile()
    {
        using var factory = new GatewayFactory();
        _ = factory.Server;
        var tracker = factory.Services.GetRequiredService<LocalLatencyTracker>();
        for (var i = 0; i < 20; i++)
        {
            tracker.Record("glm-5", "cn", TimeSpan.FromMilliseconds(400), success: true);
        }

        tracker.Refresh();
        await factory.Services.GetServices<IHostedService>().OfType<SharedLatencyService>().Single().RefreshAsync();

        var meterFactory = factory.Services.GetRequiredService<IMeterFactory>();
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LatencyGauges.MeterName && instrument.Meter.Scope == meterFactory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        listener.RecordObservableInstruments();

        var p99 = measurements.Single(m => m.Instrument == "aspirerouter.latency.percentile"
            && (string?)m.Tags["model"] == "glm-5" && (string?)m.Tags["region"] == "cn"
            && (string?)m.Tags["metric"] == "total" && (string?)m.Tags["quantile"] == "p99");
        Assert.InRange(p99.Value, 396, 404);
        Assert.Contains(measurements, m => m.Instrument == "aspirerouter.latency.samples" && m.Value == 20 && (string?)m.Tags["model"] == "glm-5");
        Assert.Contains(measurements, m => m.Instrument == "aspirerouter.latency.error_rate" && (string?)m.Tags["model"] == "glm-5");
    }
}
