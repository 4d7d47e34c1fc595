using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.HealthProbe.Probing;

/// <summary>
/// One small streaming completion through the official OpenAI SDK, timed: first token, end of stream, output tokens.
/// The SDK's client goes through an <see cref="HttpClient"/> without resilience handlers and with no SDK retries, so a
/// failure or a slow answer is measured as it is.
/// </summary>
public sealed class ModelProber(IHttpClientFactory httpClientFactory, IOptions<HealthProbeOptions> options, TimeProvider time)
{
    public const string HttpClientName = "probe";

    /// <summary>The prompt: short, fixed, and never logged.</summary>
    private const string Prompt = "Reply with a short greeting.";

    private readonly HealthProbeOptions _options = options.Value;
    private readonly ConcurrentDictionary<(string Model, Uri BaseUrl, string? Key), ChatClient> _clients = new();

    public async Task<ProbeResult> ProbeAsync(ModelSpec model, ProviderEndpoint endpoint, CancellationToken cancellationToken)
    {
        var client = _clients.GetOrAdd((model.ProviderModelId, endpoint.BaseUrl, endpoint.ApiKey), key => CreateClient(key.Model, key.BaseUrl, key.Key));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);

        var started = time.GetTimestamp();
        TimeSpan? ttft = null;
        var updates = 0;
        int? usageTokens = null;
        try
        {
            var completionOptions = new ChatCompletionOptions { MaxOutputTokenCount = _options.MaxTokens };
            await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], completionOptions, timeout.Token))
            {
                if (update.ContentUpdate.Count > 0 && update.ContentUpdate.Any(part => !string.IsNullOrEmpty(part.Text)))
                {
                    ttft ??= time.GetElapsedTime(started);
                    updates++;
                }

                if (update.Usage is { OutputTokenCount: > 0 } usage)
                {
                    usageTokens = usage.OutputTokenCount;
                }
            }

            var total = time.GetElapsedTime(started);
            return new ProbeResult(true, ttft ?? total, total, usageTokens ?? updates, null);
        }
        catch (ClientResultException ex)
        {
            return ProbeResult.Failed(ex.Status == 0 ? "connection" : ex.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Failed("timeout", time.GetElapsedTime(started));
        }
        catch (HttpRequestException)
        {
            return ProbeResult.Failed("connection", time.GetElapsedTime(started));
        }
    }

    private ChatClient CreateClient(string providerModelId, Uri baseUrl, string? apiKey) =>
        new(providerModelId, new ApiKeyCredential(string.IsNullOrEmpty(apiKey) ? "none" : apiKey), new OpenAIClientOptions
        {
            Endpoint = baseUrl,
            Transport = new HttpClientPipelineTransport(httpClientFactory.CreateClient(HttpClientName)),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = _options.Timeout,
        });
}
