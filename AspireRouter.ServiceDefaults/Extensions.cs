using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using AspireRouter.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every AspireRouter service shares: OpenTelemetry to the dashboard, <c>/health</c> and <c>/alive</c>, service
/// discovery and HTTP resilience defaults. Clients that must not be retried or timed out at 10 s (LLM calls, latency
/// probes) opt out with <see cref="WithoutResilienceDefaults"/>.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Meter and activity-source names start with this prefix and are exported.</summary>
    public const string TelemetryPrefix = "AspireRouter.";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Removes the standard resilience handler from one client: LLM calls have their own deadline, retry and fallback
    /// logic, and latency probes must see every failure and every slow answer as it is.
    /// </summary>
    public static IHttpClientBuilder WithoutResilienceDefaults(this IHttpClientBuilder client)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt out.
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return client;
    }

    /// <summary>
    /// Logs, traces and metrics to the OTLP endpoint in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the AppHost sets it to the
    /// dashboard, azd to the environment's). Without an endpoint nothing would leave the process, so no OpenTelemetry
    /// pipeline is built: spans and measurements would be made on every request and dropped (on the gateway that is
    /// 15-20 % of its throughput, see bench/README.md). Console logging is unaffected.
    /// With an endpoint: traces are sampled by <see cref="KeepingSampler"/> (a ratio, errors, fallbacks, panics and
    /// slow requests always kept, no root spans from background loops), every exporter's queue is bounded, and the
    /// exporters send with a plain <see cref="HttpClient"/> of their own: telemetry needs neither the resilience
    /// pipeline nor the per-call logging that <c>ConfigureHttpClientDefaults</c> gives every other client.
    /// A signal set to <c>none</c> (<c>OTEL_TRACES_EXPORTER</c>, <c>OTEL_METRICS_EXPORTER</c>, <c>OTEL_LOGS_EXPORTER</c>)
    /// gets no pipeline at all: <see cref="TelemetrySignals"/>.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOptionsWithValidateOnStart<TracingOptions>().BindConfiguration(TracingOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<TracingOptions>, TracingOptionsValidator>();
        var tracing = builder.Configuration.GetSection(TracingOptions.SectionName).Get<TracingOptions>() ?? new TracingOptions();

        var signals = TelemetrySignals.From(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry();
        if (signals.Logs)
        {
            telemetry.WithLogging(
                logging => logging.AddOtlpExporter((exporter, processor) =>
                {
                    PlainExporter(exporter);
                    Bound(processor.BatchExportProcessorOptions, tracing);
                }),
                options =>
                {
                    options.IncludeFormattedMessage = true;
                    options.IncludeScopes = true;
                });
        }

        if (signals.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics
                    .AddMeter(PlatformMeters)
                    .AddRuntimeInstrumentation()
                    .AddMeter(TelemetryPrefix + "*")
                    .AddOtlpExporter((exporter, _) => PlainExporter(exporter));
                foreach (var instrument in DroppedInstruments)
                {
                    metrics.AddView(instrument, MetricStreamConfiguration.Drop);
                }
            });
        }

        if (signals.Traces)
        {
            telemetry.WithTracing(traces => traces
                .SetSampler(sp => new KeepingSampler(sp.GetRequiredService<IOptions<TracingOptions>>().Value.SampleRatio))
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(TelemetryPrefix + "*")
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                    options.EnrichWithHttpResponse = TraceKeeping.DescribeKeptRequest;
                })
                .AddHttpClientInstrumentation()
                // Before the exporter: it decides which recorded-only spans are kept before the exporter looks.
                .AddProcessor(new TraceKeepingProcessor())
                .AddOtlpExporter(exporter =>
                {
                    PlainExporter(exporter);
                    Bound(exporter.BatchExportProcessorOptions, tracing);
                }));
        }

        return builder;
    }

    /// <summary>
    /// ASP.NET Core's and .NET's own meters that are exported (those <c>AddAspNetCoreInstrumentation</c> and
    /// <c>AddHttpClientInstrumentation</c> enable for a web service, less two measured on every request to no one's use:
    /// <c>Microsoft.AspNetCore.Routing</c>'s match attempts and <c>Microsoft.AspNetCore.MemoryPool</c>'s buffer rents).
    /// </summary>
    public static readonly string[] PlatformMeters =
    [
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Net.NameResolution",
    ];

    /// <summary>
    /// Instruments of <see cref="PlatformMeters"/> left out: each changes twice per proxied request (a connection
    /// idle, then busy; a request in flight, then done), which on the gateway is a share of its throughput (bench/README.md,
    /// "One event loop per core, and a cheaper export"), and what they show is in other instruments: requests in flight in
    /// <c>http.server.active_requests</c>, upstream calls in <c>http.client.request.duration</c> and
    /// <c>aspirerouter.attempt.duration</c>, connections in <c>http.client.connection.duration</c>.
    /// </summary>
    public static readonly string[] DroppedInstruments = ["http.client.open_connections", "http.client.active_requests"];

    /// <summary>
    /// The exporter's own <see cref="HttpClient"/>, outside <c>IHttpClientFactory</c>: the defaults for every other
    /// client (standard resilience, service discovery, a log line per call) would retry telemetry, log every export
    /// and allocate for both.
    /// </summary>
    private static void PlainExporter(OtlpExporterOptions exporter) =>
        exporter.HttpClientFactory = () => new HttpClient { Timeout = TimeSpan.FromMilliseconds(exporter.TimeoutMilliseconds) };

    /// <summary>Every batch queue bounded: a full queue drops telemetry instead of holding memory or slowing requests.</summary>
    private static void Bound<T>(BatchExportProcessorOptions<T> batch, TracingOptions tracing)
        where T : class
    {
        batch.MaxQueueSize = tracing.MaxQueueSize;
        batch.MaxExportBatchSize = Math.Min(512, tracing.MaxQueueSize);
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>Maps <c>/health</c> (every check) and <c>/alive</c> (liveness only). Both are cheap and unauthenticated.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
