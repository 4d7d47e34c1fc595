using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AspireRouter.HealthProbe.Probing;

/// <summary>The probe's own metrics: probes per model, region and outcome, and their durations.</summary>
public sealed class ProbeMetrics
{
    public const string MeterName = "AspireRouter.HealthProbe";

    private readonly Counter<long> _probes;
    private readonly Histogram<double> _duration;

    public ProbeMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _probes = meter.CreateCounter<long>("aspirerouter.probe.requests", "{request}", "Probe requests sent, by model, region and outcome.");
        _duration = meter.CreateHistogram<double>("aspirerouter.probe.duration", "s", "Probe time to the end of the stream.");
    }

    public void Probed(string model, string region, ProbeResult result)
    {
        var tags = new TagList { { "model", model }, { "region", region }, { "outcome", result.Success ? "success" : result.Error } };
        _probes.Add(1, tags);
        if (result.Total is { } total)
        {
            _duration.Record(total.TotalSeconds, tags);
        }
    }
}
