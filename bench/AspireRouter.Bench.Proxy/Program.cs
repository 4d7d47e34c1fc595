using System.Net;
using Yarp.ReverseProxy.Forwarder;

// The bare reverse proxy the gateway is compared with: YARP's IHttpForwarder with its default transforms, one
// destination, no routing, no logging per request. Usage: --upstream http://127.0.0.1:PORT (and ASPNETCORE_URLS).
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddHttpForwarder();
var app = builder.Build();

var upstream = app.Configuration["upstream"] ?? throw new InvalidOperationException("--upstream http://host:port is required.");
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromSeconds(100) };

// Errors are answered by the forwarder itself (502/504); the benchmark counts non-2xx answers.
app.Map("/{**path}", async (HttpContext context) =>
{
    await forwarder.SendAsync(context, upstream, invoker, config, HttpTransformer.Default);
});

app.Run();
