using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AspireRouter.Gateway.Execution;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireRouter.Gateway.Tests.Execution;

/// <summary>
/// The provider pipelines: service discovery only for endpoints it names, and, over real sockets, no provider
/// cookie kept, no redirect followed and no trace context sent outside.
/// </summary>
public sealed class ProviderClientsTests
{
    [Theory]
    [InlineData("http://simulator/v1", ProviderClients.Discovered)]
    [InlineData("https+http://simulator/v1", ProviderClients.Discovered)]
    [InlineData("https://api.deepseek.com/v1", ProviderClients.Direct)]
    [InlineData("http://127.0.0.1:5000/v1", ProviderClients.Direct)]
    [InlineData("http://other/v1", ProviderClients.Direct)]
    public void AnEndpointUsesDiscovery_OnlyWhenDiscoveryNamesIt(string baseUrl, string expected)
    {
        using var factory = new GatewayFactory(new Dictionary<string, string> { ["Services:simulator:http:0"] = "http://127.0.0.1:1" });
        var clients = factory.Services.GetRequiredService<ProviderClients>();

        Assert.Equal(expected, clients.PipelineFor(new Uri(baseUrl)));
    }

    [Fact]
    public void TheDirectPipeline_HasNoDiscoveryHandler_AndTheDiscoveredOneHasIt()
    {
        using var factory = new GatewayFactory();
        var handlers = factory.Services.GetRequiredService<IHttpMessageHandlerFactory>();

        Assert.DoesNotContain(ProviderClients.DiscoveryHandlerType, Chain(handlers.CreateHandler(ProviderClients.Direct)));
        Assert.Contains(ProviderClients.DiscoveryHandlerType, Chain(handlers.CreateHandler(ProviderClients.Discovered)));
    }

    [Fact]
    public async Task AProvidersCookie_IsNotSentBack_ItsRedirect_IsNotFollowed_AndItGetsNoTraceContext()
    {
        await using var upstream = await Upstream.StartAsync();
        var settings = new Dictionary<string, string>();
        foreach (var provider in new[] { "qwen", "deepseek", "kimi", "glm" })
        {
            settings[$"Registry:Providers:{provider}:Regions:global:BaseUrl"] = upstream.BaseUrl + "/v1";
        }

        using var gateway = new GatewayFactory(settings) { RealProviders = true };
        using var client = gateway.CreateClient();

        // The first call is redirected: not followed, the next candidate answers (and sets a cookie).
        upstream.RedirectNext = true;
        var first = await client.PostAsync("/v1/chat/completions", Json("""{"model":"light","messages":[{"role":"user","content":"hi"}]}"""));
        var second = await client.PostAsync("/v1/chat/completions", Json("""{"model":"light","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("true", first.Headers.GetValues("X-AspireRouter-Fallback").Single());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(0, upstream.ElsewhereHits);
        Assert.Equal(3, upstream.Cookies.Count);
        Assert.All(upstream.Cookies, cookie => Assert.Equal("", cookie));
        // An outside provider is not sent this system's trace context (the attempts are traced all the same).
        Assert.All(upstream.TraceParents, traceParent => Assert.Equal("", traceParent));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static List<string> Chain(HttpMessageHandler handler)
    {
        var types = new List<string>();
        for (var current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            types.Add(current.GetType().FullName!);
        }

        return types;
    }

    /// <summary>A provider on a real socket: records each call's Cookie header, sets a cookie, redirects when told to.</summary>
    private sealed class Upstream : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _elsewhere;

        private Upstream(WebApplication app) => _app = app;

        public string BaseUrl => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        public ConcurrentQueue<string> Cookies { get; } = new();
        public ConcurrentQueue<string> TraceParents { get; } = new();
        public bool RedirectNext { get; set; }
        public int ElsewhereHits => Volatile.Read(ref _elsewhere);

        public static async Task<Upstream> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var upstream = new Upstream(app);
            app.MapPost("/v1/chat/completions", (HttpContext context) =>
            {
                upstream.Cookies.Enqueue(context.Request.Headers.Cookie.ToString());
                upstream.TraceParents.Enqueue(context.Request.Headers["traceparent"].ToString());
                if (upstream.RedirectNext)
                {
                    upstream.RedirectNext = false;
                    context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                    context.Response.Headers.Location = "/elsewhere";
                    return Task.CompletedTask;
                }

                context.Response.Headers.SetCookie = "session=provider-session; Path=/";
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("""{"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""");
            });
            app.MapPost("/elsewhere", () =>
            {
                Interlocked.Increment(ref upstream._elsewhere);
                return Results.Ok();
            });
            await app.StartAsync();
            return upstream;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
