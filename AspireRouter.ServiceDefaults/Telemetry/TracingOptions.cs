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

    /// <summary>A request that took at least this long is kept whatever the ratio (the gateway's record stage). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlowThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Spans or log records waiting for export (each signal's batch queue); past it they are dropped rather than held
    /// in memory. Default 2,048. How often batches go is the SDK's (<c>OTEL_BSP_SCHEDULE_DELAY</c>, which the AppHost
    /// shortens for the dashboard).
    /// </summary>
    [Range(64, 65_536)]
    public int MaxQueueSize { get; set; } = 2048;
}

[Microsoft.Extensions.Options.OptionsValidator]
public sealed partial class TracingOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<TracingOptions>;
