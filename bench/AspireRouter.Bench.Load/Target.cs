using System.Net.Http.Headers;
using System.Text;

namespace AspireRouter.Bench.Load;

/// <summary>
/// One system under test: where its chat completions endpoint is, the process that serves it, and how a request
/// to it looks (the gateway takes a category, the others a model id; Portkey needs its provider headers).
/// </summary>
public sealed record Target(string Name, Uri Endpoint, int Pid, string Model, IReadOnlyDictionary<string, string> Headers)
{
    public const string Direct = "direct";
    public const string Yarp = "yarp";
    public const string Gateway = "gateway";

    /// <summary>The gateway with OpenTelemetry export on (OTLP/HTTP to a sink), at its default sampling.</summary>
    public const string GatewayOtel = "gateway-otel";
    public const string Peer = "portkey";

    /// <summary>A short prompt: the light tier's typical request.</summary>
    public byte[] Body(bool stream) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Say hello in five words."}],"max_tokens":16{{(stream ? ",\"stream\":true" : "")}}}""");

    public HttpRequestMessage NewRequest(byte[] body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        message.Headers.TryAddWithoutValidation("Authorization", "Bearer bench-key");
        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    /// <summary>
    /// Parses <c>name=http://127.0.0.1:port/v1/chat/completions@pid</c>; the request shape follows from the name
    /// (<paramref name="upstreamBase"/> is the upstream's <c>/v1</c> base, which Portkey is told in a header).
    /// </summary>
    public static Target Parse(string spec, string upstreamBase)
    {
        var equals = spec.IndexOf('=', StringComparison.Ordinal);
        var at = spec.LastIndexOf('@');
        if (equals <= 0 || at < equals)
        {
            throw new ArgumentException($"Target '{spec}' is not name=url@pid.");
        }

        var name = spec[..equals];
        var endpoint = new Uri(spec[(equals + 1)..at]);
        var pid = int.Parse(spec[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return name switch
        {
            // "gateway-*": another gateway build beside the first (to compare two builds in one run).
            _ when name == Gateway || name.StartsWith(Gateway + "-", StringComparison.Ordinal) => new Target(name, endpoint, pid, "light", new Dictionary<string, string>()),
            Peer => new Target(name, endpoint, pid, "qwen-3-8b", new Dictionary<string, string>
            {
                ["x-portkey-provider"] = "openai",
                ["x-portkey-custom-host"] = upstreamBase,
            }),
            // "yarp-*": the forwarder under other runtime settings beside the default one.
            _ when name is Direct or Yarp || name.StartsWith(Yarp + "-", StringComparison.Ordinal) => new Target(name, endpoint, pid, "qwen-3-8b", new Dictionary<string, string>()),
            _ => throw new ArgumentException($"Unknown target '{name}' (direct, yarp, gateway, portkey)."),
        };
    }
}
