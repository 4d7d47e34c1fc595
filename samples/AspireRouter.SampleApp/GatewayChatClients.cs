using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Chat;

namespace AspireRouter.SampleApp;

/// <summary>
/// How an app calls the gateway: the OpenAI SDK's <see cref="ChatClient"/> pointed at the gateway's <c>/v1</c> (its
/// address found by service discovery), seen as Microsoft.Extensions.AI's <see cref="IChatClient"/>. The model is a
/// category (<c>light</c>, <c>general</c>, <c>reasoning</c>, <c>regional-cn</c>) or <c>auto</c>, chosen per call.
/// </summary>
public static class GatewayChatClients
{
    /// <summary>Service key of the client whose requests must stay in China (<c>X-AspireRouter-Residency: cn</c>).</summary>
    public const string ResidentCn = "resident-cn";

    /// <summary>Activity source and meter of the chat clients (exported: the prefix is AspireRouter.).</summary>
    public const string TelemetrySource = "AspireRouter.SampleApp";

    private const string HttpClientName = "gateway";
    private const string ResidentHttpClientName = "gateway-resident-cn";

    public static WebApplicationBuilder AddGatewayChatClients(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SampleAppOptions>().BindConfiguration(SampleAppOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<RoutingHeadersHandler>();

        // The gateway retries, falls back and keeps each call's deadline itself: no client-side resilience on top.
        builder.Services.AddHttpClient(HttpClientName).AddHttpMessageHandler<RoutingHeadersHandler>().WithoutResilienceDefaults();
        builder.Services.AddHttpClient(ResidentHttpClientName)
            .AddHttpMessageHandler(services => new RoutingHeadersHandler(services.GetRequiredService<IOptions<SampleAppOptions>>(), residency: "cn"))
            .WithoutResilienceDefaults();

        builder.Services.AddChatClient(services => Create(services, HttpClientName))
            .UseFunctionInvocation()
            .UseOpenTelemetry(sourceName: TelemetrySource);
        builder.Services.AddKeyedChatClient(ResidentCn, services => Create(services, ResidentHttpClientName))
            .UseOpenTelemetry(sourceName: TelemetrySource);
        builder.Services.AddSingleton<DemoTraffic>();
        return builder;
    }

    private static IChatClient Create(IServiceProvider services, string httpClientName)
    {
        var options = services.GetRequiredService<IOptions<SampleAppOptions>>().Value;
        var http = services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName);
        http.Timeout = Timeout.InfiniteTimeSpan; // the SDK's NetworkTimeout below is the one deadline
        return new ChatClient("auto", new ApiKeyCredential(options.ApiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Gateway, "/v1"),
            Transport = new HttpClientPipelineTransport(http),
            NetworkTimeout = options.CallTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        }).AsIChatClient();
    }
}
