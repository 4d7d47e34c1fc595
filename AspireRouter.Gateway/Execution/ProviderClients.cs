using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// The HTTP pipelines provider calls go through. An endpoint named by service discovery (<c>http://simulator/v1</c>
/// with a <c>Services:simulator</c> configuration section, as the AppHost writes it, or a scheme such as
/// <c>https+http</c>) is called through the discovery handler; every other endpoint (<c>https://api.deepseek.com</c>,
/// an IP) is called directly, since discovery would only pass its address through, at a cost on every request.
/// Only the discovery pipeline sends trace context: the attempt is traced either way.
/// Calls use <see cref="HttpMessageInvoker"/> over the factory's pooled handlers: the attempt has its own deadline,
/// so <see cref="HttpClient"/>'s timeout and linked cancellation source per call add nothing.
/// </summary>
public sealed class ProviderClients
{
    /// <summary>Provider calls through service discovery.</summary>
    public const string Discovered = "providers";

    /// <summary>Provider calls to an address as written.</summary>
    public const string Direct = "providers-direct";

    /// <summary>Both pipelines; tests that stub providers replace the primary handler of each.</summary>
    public static readonly string[] Names = [Discovered, Direct];

    /// <summary>The handler <c>AddServiceDiscovery()</c> puts in every client's pipeline (an internal type of Microsoft.Extensions.ServiceDiscovery).</summary>
    public const string DiscoveryHandlerType = "Microsoft.Extensions.ServiceDiscovery.Http.ResolvingHttpDelegatingHandler";

    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly IConfiguration _configuration;

    /// <summary>Which pipeline each endpoint's base address takes, decided once per registry <see cref="Uri"/>.</summary>
    private readonly ConditionalWeakTable<Uri, string> _pipelines = [];

    /// <summary><see cref="PipelineFor"/> as one delegate (a method group would allocate one on every call).</summary>
    private readonly ConditionalWeakTable<Uri, string>.CreateValueCallback _decide;

    public ProviderClients(IHttpMessageHandlerFactory handlers, IConfiguration configuration)
    {
        _handlers = handlers;
        _configuration = configuration;
        _decide = PipelineFor;
    }

    /// <summary>An invoker for one call to <paramref name="baseUrl"/>; the handler is the factory's (not disposed with the invoker).</summary>
    public HttpMessageInvoker For(Uri baseUrl) =>
        new(_handlers.CreateHandler(_pipelines.GetValue(baseUrl, _decide)), disposeHandler: false);

    /// <summary>The pipeline for <paramref name="baseUrl"/>: discovery when its scheme or host is a service name.</summary>
    public string PipelineFor(Uri baseUrl) =>
        baseUrl.Scheme.Contains('+', StringComparison.Ordinal) || _configuration.GetSection($"Services:{baseUrl.Host}").Exists()
            ? Discovered
            : Direct;

    /// <summary>Registers both pipelines with the same socket settings; only the discovery one keeps its handler.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<ProviderClients>();
        foreach (var name in Names)
        {
            var client = services.AddHttpClient(name)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    // Trace context (traceparent) goes to this system's own services (the simulator, found by
                    // discovery), so a trace runs through them; an outside provider gets none of this system's trace ids.
                    ActivityHeadersPropagator = name == Discovered ? DistributedContextPropagator.Current : null,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    AutomaticDecompression = DecompressionMethods.None,
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                    MaxConnectionsPerServer = int.MaxValue,
                    // A gateway relays answers as they came: a provider's redirect or cookie is not followed or kept
                    // (a kept cookie would be sent on every tenant's next call).
                    AllowAutoRedirect = false,
                    UseCookies = false,
                })
                // The provider keys travel in Authorization, and HttpClient's own Trace logging prints request headers: no
                // HttpClient loggers on these clients. Attempts are logged by the gateway and traced by the HttpClient instrumentation.
                .RemoveAllLoggers()
                .WithoutResilienceDefaults();
            if (name == Direct)
            {
                client.ConfigureAdditionalHttpMessageHandlers(static (pipeline, _) =>
                {
                    for (var i = pipeline.Count - 1; i >= 0; i--)
                    {
                        if (pipeline[i].GetType().FullName == DiscoveryHandlerType)
                        {
                            pipeline.RemoveAt(i);
                        }
                    }
                });
            }
        }
    }
}
