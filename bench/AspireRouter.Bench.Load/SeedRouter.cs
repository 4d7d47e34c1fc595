using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.Bench.Load;

/// <summary>
/// A .NET port of the seed's <c>InferenceRouter.route()</c>: for the request's category, each model of
/// <c>[primary, ...fallbackChain]</c> in turn through the official OpenAI SDK with its default retry policy, any
/// exception moving on to the next model. <c>regional-cn</c> goes to the cn endpoint (the seed's <c>cnEndpoint</c>),
/// every other category to the global one, straight at the providers. Every HTTP send the SDK makes (its retries
/// included) is counted for the request that made it.
/// </summary>
public sealed class SeedRouter : IBrownoutRouter, IDisposable
{
    /// <summary>The seed's <c>MODEL_REGISTRY</c>: primary and fallback chain per category.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Chains = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["light"] = ["qwen-3-8b", "deepseek-v4-flash", "glm-4-9b"],
        ["general"] = ["deepseek-v4-flash", "qwen-3-32b", "glm-5"],
        ["reasoning"] = ["kimi-k2-5", "deepseek-r1", "qwen-3-5-397b"],
        ["multimodal"] = ["qwen-3-vl-32b", "glm-4-6v"],
        ["regional-cn"] = ["glm-5", "kimi-k2-5", "qwen-3-32b"],
    };

    public const string RegionalCn = "regional-cn";

    /// <summary>The send counter of the request running on this async flow.</summary>
    private static readonly AsyncLocal<StrongBox<int>?> CurrentSends = new();

    private readonly HttpClient _http;
    private readonly Dictionary<(bool Cn, string Model), ChatClient> _clients = [];

    /// <param name="globalEndpoint">The global providers' OpenAI base URL (<c>…/v1</c>).</param>
    /// <param name="cnEndpoint">The cn providers' base URL as seen from the global side (<c>…/cross-region/v1</c>).</param>
    /// <param name="apiKey">The providers' key.</param>
    public SeedRouter(Uri globalEndpoint, Uri cnEndpoint, string apiKey)
    {
        _http = new HttpClient(new SendCounter(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None }))
        {
            Timeout = Timeout.InfiniteTimeSpan, // the SDK's own network timeout applies
        };
        var transport = new HttpClientPipelineTransport(_http);
        var credential = new ApiKeyCredential(apiKey);
        foreach (var (cn, endpoint) in new[] { (false, globalEndpoint), (true, cnEndpoint) })
        {
            // RetryPolicy is left alone: the SDK's default (ClientRetryPolicy) is what the seed relies on.
            var options = new OpenAIClientOptions { Endpoint = endpoint, Transport = transport };
            foreach (var model in Chains.Values.SelectMany(c => c).Distinct())
            {
                _clients[(cn, model)] = new ChatClient(model, credential, options);
            }
        }
    }

    public string Name => "seed";

    public async Task<BrownoutOutcome> SendAsync(BrownoutRequest request, TimeSpan startedAt, CancellationToken cancellationToken)
    {
        var sends = new StrongBox<int>();
        CurrentSends.Value = sends;
        var started = Stopwatch.GetTimestamp();
        string? failure = null;
        foreach (var model in Chains[request.Category])
        {
            var client = _clients[(request.Category == RegionalCn, model)];
            List<ChatMessage> messages = [new UserChatMessage(request.Prompt)];
            var options = new ChatCompletionOptions { MaxOutputTokenCount = BrownoutRequest.MaxTokens, Temperature = 0.7f };
            var firstToken = false;
            try
            {
                if (request.Stream)
                {
                    await foreach (var _ in client.CompleteChatStreamingAsync(messages, options, cancellationToken))
                    {
                        firstToken = true;
                    }
                }
                else
                {
                    await client.CompleteChatAsync(messages, options, cancellationToken);
                }

                return Outcome(true, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                failure = ex is ClientResultException { Status: > 0 } result ? $"{result.Status} from {model}" : $"{ex.GetType().Name} from {model}";
                if (firstToken)
                {
                    // Part of the answer has reached the caller: nothing to fall back to.
                    return Outcome(false, failure + " mid-stream");
                }
            }
        }

        return Outcome(false, failure);

        BrownoutOutcome Outcome(bool ok, string? why) =>
            new(request.Category, startedAt, ok, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Volatile.Read(ref sends.Value), Failure: why);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Counts each HTTP send (the SDK's retries included) for the request on the current async flow.</summary>
    private sealed class SendCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (CurrentSends.Value is { } sends)
            {
                Interlocked.Increment(ref sends.Value);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
