using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Tests.Costs;
using AspireRouter.Gateway.Apis;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// Random bodies through the in-process gateway (<see cref="BodyFuzzer"/>, fixed seed): the gateway never answers
/// 5xx, every refusal is a 4xx in OpenAI's shape, and every accepted request reached the provider exactly once with
/// the model the gateway routed to and a body System.Text.Json reads as the gateway billed it (model, max_tokens,
/// stream); each 2xx is one cost event.
/// </summary>
public sealed class BodyFuzzTests : IDisposable
{
    private const int Seed = 1504;
    private const int Bodies = 3000;

    private readonly GatewayFactory _factory = new(new Dictionary<string, string>
    {
        ["Gateway:MaxRequestBodyBytes"] = (256 * 1024).ToString(CultureInfo.InvariantCulture),
        // A budget makes every request count its prompt exactly (the tokenizer reads every text the gateway accepted);
        // Redis is unreachable here, so the budget itself fails open.
        ["Budgets:Teams:default:DailyUsd"] = "1000",
    });

    [Fact]
    public async Task RandomBodies_NeverA5xx_RefusedInOpenAiShape_AcceptedAsTheProviderReadsThem()
    {
        var fuzzer = new BodyFuzzer(Seed);
        var client = _factory.CreateClient();
        var failures = new List<string>();
        var billed = new List<(string Requested, string Model, bool Streamed)>();
        var refused = 0;
        for (var i = 0; i < Bodies && failures.Count < 10; i++)
        {
            var (body, headers) = fuzzer.Next();
            var before = _factory.Stub.Requests.Count;
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var sent = _factory.Stub.Requests.Skip(before).ToList();
            var problem = status switch
            {
                >= 500 => $"status {status}: {text}",
                >= 400 => CheckRefusal(text) ?? (sent.Count == 0 ? null : $"refused with {status} but {sent.Count} upstream request(s)"),
                _ => CheckAccepted(body, response, sent.Select(s => s.Body).ToList(), billed),
            };
            refused += status >= 400 ? 1 : 0;
            if (problem is not null)
            {
                failures.Add($"#{i}: {problem}\n  body: {Shorten(Encoding.UTF8.GetString(body))}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.InRange(refused, Bodies / 10, Bodies * 9 / 10); // the corpus exercises both sides

        // Each 2xx is one cost event, for the model the provider was asked for and the stream mode it used.
        var events = await CostTestKit.SpooledAsync(_factory.SpoolDirectory, billed.Count);
        Assert.Equal(
            billed.Select(b => $"{b.Requested}|{b.Model}|{b.Streamed}").Order(StringComparer.Ordinal),
            events.Where(e => e.Outcome == "success").Select(e => $"{e.RequestedModel}|{e.Model}|{e.Streamed}").Order(StringComparer.Ordinal));
    }

    /// <summary>Null when <paramref name="text"/> is OpenAI's error envelope.</summary>
    private static string? CheckRefusal(string text)
    {
        try
        {
            using var json = JsonDocument.Parse(text);
            var error = json.RootElement.GetProperty("error");
            var shaped = error.GetProperty("message").ValueKind == JsonValueKind.String
                && error.GetProperty("type").ValueKind == JsonValueKind.String
                && error.GetProperty("param").ValueKind is JsonValueKind.String or JsonValueKind.Null
                && error.GetProperty("code").ValueKind is JsonValueKind.String or JsonValueKind.Null;
            return shaped && !text.Contains("   at ", StringComparison.Ordinal) ? null : $"not OpenAI's error shape: {text}";
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException)
        {
            return $"not OpenAI's error shape: {Shorten(text)}";
        }
    }

    /// <summary>Null when the provider got exactly one call that System.Text.Json reads as the gateway billed it.</summary>
    private static string? CheckAccepted(byte[] body, HttpResponseMessage response, List<string> sent, List<(string, string, bool)> billed)
    {
        if (sent.Count != 1)
        {
            return $"accepted with {sent.Count} upstream requests";
        }

        // The gateway's reading is its parser's (the API parses exactly these bytes once); the client body as an
        // upstream would read it must agree, and so must the body the provider got.
        var parsed = ChatRequestParser.Parse(body, out var error);
        if (parsed is null)
        {
            return $"answered {(int)response.StatusCode} although the parser refuses it ({error!.Code})";
        }

        UpstreamView gateway = UpstreamView.Of(parsed), client, provider;
        try
        {
            client = UpstreamView.Of(body);
            provider = UpstreamView.Of(Encoding.UTF8.GetBytes(sent[0]));
        }
        catch (Exception ex) when (ex is InvalidOperationException or JsonException)
        {
            return $"accepted a body System.Text.Json cannot read as the gateway did: {ex.Message}";
        }

        var routed = response.Headers.TryGetValues(RoutingHeaders.Model, out var models) ? models.Single() : null;
        var streamed = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (client != gateway)
        {
            return $"the gateway read {gateway}, System.Text.Json reads {client}";
        }

        if (provider.Model != routed || provider.Stream != gateway.Stream || provider.MaxTokens != gateway.MaxTokens || streamed != gateway.Stream)
        {
            return $"routed to {routed} (stream {streamed}, billed {gateway}); the provider read {provider}";
        }

        billed.Add((gateway.Model!, routed!, gateway.Stream));
        return null;
    }

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + $"… ({text.Length} chars)";

    public void Dispose() => _factory.Dispose();
}
