using System.ComponentModel.DataAnnotations;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// How much of the traffic is traced (section <c>Telemetry:Tracing</c>). A request's trace is exported when its trace
/// id falls in <see cref="SampleRatio"/>, or whatever the ratio when it is interesting: an error, a fallback, a panic
/// attempt or a request slower than <see cref="SlowThreshold"/> (see <see cref="KeepingSampler"/>).
/// </summary>
public sealed class TracingOptions
{
    public const string SectionName = "Telemetry:Tracing";

    /// <summary>
    /// Share of new traces exported, decided from the trace id (so every service that starts a trace decides alike).
    /// Default 0.1; the AppHost's run mode sets 1 so that every request shows on the dashboard.
    /// </summary>
    [Range(0d, 1d)]
    public double SampleRatio { get; set; } = 0.1;

    /// <summary>A request (a local root span) that took at least this long is kept whatever the ratio. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Spans waiting for export (each signal's batch queue); past it spans are dropped rather than held. Default 2,048.
    /// </summary>
    [Range(64, 65_536)]
    public int MaxQueueSize { get; set; } = 2048;

    /// <summary>How often batches are exported. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(5);
}

[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class TracingOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<TracingOptions>;
