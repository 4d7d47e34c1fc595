using System.Diagnostics.Metrics;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// Raw sockets against a real Kestrel: a body that trickles in (slow-loris) gets a 408 in OpenAI's shape, and a client
/// that vanishes mid-body costs nothing (no upstream call) and leaves the gateway serving.
/// </summary>
public sealed class SlowBodyTests : IDisposable
{
    private readonly GatewayFactory _factory = new(new Dictionary<string, string> { ["Gateway:BodyReadTimeout"] = "00:00:01" });
    private readonly Uri _address;

    public SlowBodyTests()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        _address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public void Dispose() => _factory.Dispose();

    private async Task<NetworkStream> SendPartialAsync(string bodyPrefix, int declaredLength)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(_address.Host, _address.Port);
        var stream = socket.GetStream();
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {_address.Authority}\r\nContent-Type: application/json\r\nContent-Length: {declaredLength}\r\n\r\n{bodyPrefix}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        return stream;
    }

    [Fact]
    public async Task SlowLorisBody_Gets408_InOpenAiShape()
    {
        await using var stream = await SendPartialAsync("{\"model\":\"light\",\"mess", 500);

        var buffer = new byte[4096];
        var response = new StringBuilder();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int read;
        while ((read = await stream.ReadAsync(buffer, wait.Token)) > 0 && !response.ToString().Contains("}}", StringComparison.Ordinal))
        {
            response.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var text = response.ToString();
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"request_timeout\"", text, StringComparison.Ordinal);
        Assert.Empty(_factory.Stub.Requests);
    }

    [Fact]
    public async Task ClientDisconnectingMidBody_IsDroppedQuietly_AndTheGatewayKeepsServing()
    {
        using var ended = new MetricCollector<double>(_factory.Services.GetRequiredService<IMeterFactory>(), "Microsoft.AspNetCore.Hosting", "http.server.request.duration");
        var stream = await SendPartialAsync("{\"model\":\"light\",\"messages\":[{\"role\":", 500);
        await stream.DisposeAsync(); // gone mid-body
        await Eventually.TrueAsync(() => ended.GetMeasurementSnapshot().Count == 1, "the gateway to end the abandoned request", TimeSpan.FromSeconds(10));

        using var client = new HttpClient { BaseAddress = _address };
        using var next = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"light","messages":[{"role":"user","content":"still here"}]}""", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, next.StatusCode);
        Assert.Single(_factory.Stub.Requests); // only the complete request went upstream
    }
}
