using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspireRouter.Gateway.Tests.ServiceDefaults;

/// <summary>OpenTelemetry pipelines exist only when there is an OTLP endpoint to send to, one per signal not set to <c>none</c>.</summary>
[Collection(AspireRouter.Gateway.Tests.Telemetry.TelemetryCollection.Name)]
public sealed class TelemetryDefaultsTests
{
    [Fact]
    public void WithoutAnOtlpEndpoint_NoTracingOrMetricsPipelineIsBuilt()
    {
        using var host = Build(endpoint: null);

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void WithAnOtlpEndpoint_TracingAndMetricsAreOn()
    {
        using var host = Build(endpoint: "http://127.0.0.1:4317");

        Assert.NotNull(host.Services.GetService<TracerProvider>());
        Assert.NotNull(host.Services.GetService<MeterProvider>());
    }

    [Fact]
    public void ASignalSetToNone_GetsNoPipeline_TheOthersStay()
    {
        using (var noTraces = Build("http://127.0.0.1:4317", ("OTEL_TRACES_EXPORTER", "none")))
        {
            Assert.Null(noTraces.Services.GetService<TracerProvider>());
            Assert.NotNull(noTraces.Services.GetService<MeterProvider>());
            Assert.NotNull(noTraces.Services.GetService<LoggerProvider>());
        }

        using (var noMetricsOrLogs = Build("http://127.0.0.1:4317", ("OTEL_METRICS_EXPORTER", "NONE"), ("OTEL_LOGS_EXPORTER", " none ")))
        {
            Assert.NotNull(noMetricsOrLogs.Services.GetService<TracerProvider>());
            Assert.Null(noMetricsOrLogs.Services.GetService<MeterProvider>());
            Assert.Null(noMetricsOrLogs.Services.GetService<LoggerProvider>());
        }

        using var explicitOtlp = Build("http://127.0.0.1:4317", ("OTEL_TRACES_EXPORTER", "otlp"));
        Assert.NotNull(explicitOtlp.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("OTEL_TRACES_EXPORTER", "zipkin")]
    [InlineData("OTEL_METRICS_EXPORTER", "prometheus")]
    [InlineData("OTEL_LOGS_EXPORTER", "nnone")]
    public void AnExporterThisBuildDoesNotShip_IsRefusedAtStartUp_NamingTheVariable(string variable, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build("http://127.0.0.1:4317", (variable, value)).Dispose());

        Assert.Contains(variable, error.Message, StringComparison.Ordinal);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(string? endpoint, params (string Name, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        foreach (var (name, value) in settings)
        {
            builder.Configuration[name] = value;
        }

        builder.ConfigureOpenTelemetry();
        return builder.Build();
    }
}
