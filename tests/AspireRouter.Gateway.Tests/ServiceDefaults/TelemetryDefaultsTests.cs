using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspireRouter.Gateway.Tests.ServiceDefaults;

/// <summary>OpenTelemetry pipelines exist only when there is an OTLP endpoint to send to.</summary>
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

    private static IHost Build(string? endpoint)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint;
        builder.ConfigureOpenTelemetry();
        return builder.Build();
    }
}
