using Microsoft.Extensions.Configuration;

namespace AspireRouter.ServiceDefaults.Telemetry;

/// <summary>
/// Which signals go to the OTLP endpoint, from the OpenTelemetry specification's variables
/// <c>OTEL_TRACES_EXPORTER</c>, <c>OTEL_METRICS_EXPORTER</c> and <c>OTEL_LOGS_EXPORTER</c>: <c>otlp</c> (or unset) exports
/// the signal, <c>none</c> builds no pipeline for it, so it costs nothing per request (what each signal costs the
/// gateway: <c>bench/run.sh --signals</c>, bench/README.md). Any other exporter name is refused at start-up: this build ships
/// only OTLP, and a misspelt value must not silently drop a signal.
/// </summary>
public readonly record struct TelemetrySignals(bool Traces, bool Metrics, bool Logs)
{
    public const string TracesVariable = "OTEL_TRACES_EXPORTER";
    public const string MetricsVariable = "OTEL_METRICS_EXPORTER";
    public const string LogsVariable = "OTEL_LOGS_EXPORTER";

    public static TelemetrySignals From(IConfiguration configuration) =>
        new(IsOn(configuration, TracesVariable), IsOn(configuration, MetricsVariable), IsOn(configuration, LogsVariable));

    private static bool IsOn(IConfiguration configuration, string variable)
    {
        var value = configuration[variable]?.Trim();
        if (string.IsNullOrEmpty(value) || value.Equals("otlp", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new InvalidOperationException(
            $"{variable}='{value}' is not supported: use 'otlp' (the default) to export the signal or 'none' to turn it off.");
    }
}
