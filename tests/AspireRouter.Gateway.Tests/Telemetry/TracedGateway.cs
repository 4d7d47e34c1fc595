using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspireRouter.Gateway.Tests.Telemetry;

/// <summary>
/// Tests that listen to the gateway's activity sources: one at a time, since every tracer provider in the process
/// hears every gateway's spans and the most generous sampler would decide for all.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>
/// The gateway with the service defaults' real OpenTelemetry pipeline (sampler, keeping processor, OTLP exporters to a
/// closed port) plus in-memory exporters after them: what a collector would receive.
/// </summary>
public sealed class TracedGateway : IDisposable
{
    public const string Prompt = "Tell me a secret about lighthouses";

    private readonly List<MetricSnapshot> _metrics = [];
    private readonly WebApplicationFactory<Program> _factory;
    private readonly HttpClient _client;

    public TracedGateway(double sampleRatio)
    {
        Gateway = new GatewayFactory(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
            ["Telemetry:Tracing:SampleRatio"] = sampleRatio.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Registry:Categories:light:Timeout"] = "00:00:10", // the factory's 1 s is short for a fresh host on a loaded machine
        });
        _factory = Gateway.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddInMemoryExporter(Spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics))));
        _client = _factory.CreateClient();
    }

    public GatewayFactory Gateway { get; }

    /// <summary>Exported spans, in the order they ended.</summary>
    public List<Activity> Spans { get; } = [];

    public Task<HttpResponseMessage> PostAsync(string model, bool stream = false) =>
        _client.PostAsync("/v1/chat/completions", new StringContent(
            $$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{Prompt}}"}]{{(stream ? ",\"stream\":true" : "")}}}""",
            Encoding.UTF8,
            "application/json"));

    /// <summary>Spans end as the request's last stages run, around the response: wait for what the test reads.</summary>
    public async Task<T> UntilAsync<T>(Func<T?> read, string what)
        where T : class =>
        (await Eventually.ValueAsync(() => Task.FromResult(read()), value => value is not null, what, TimeSpan.FromSeconds(10)))!;

    /// <summary>The metrics as of now: one cumulative export.</summary>
    public List<MetricSnapshot> Metrics()
    {
        _metrics.Clear();
        _factory.Services.GetRequiredService<MeterProvider>().ForceFlush();
        return [.. _metrics];
    }

    public static string? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString();
            }
        }

        return null;
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        Gateway.Dispose();
    }
}
