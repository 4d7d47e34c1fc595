using AspireRouter.Gateway.Latency;

namespace AspireRouter.Gateway.Apis;

public static class ApiServiceExtensions
{
    /// <summary>The respond stage and the pipeline that runs every stage, with the gateway's JSON and error shapes.</summary>
    public static IHostApplicationBuilder AddApis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ChatResponder>();
        builder.Services.AddSingleton<ChatPipeline>();
        builder.Services.AddProblemDetails();
        builder.AddApiDocument("AspireRouter gateway");
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        return builder;
    }

    /// <summary>
    /// The OpenAI-compatible routes, the router's status, the admin routes, the OpenAPI document (Scalar UI in
    /// Development), and OpenAI-shaped errors for anything unhandled.
    /// </summary>
    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(UnhandledError.WriteAsync));
        app.UseStatusCodePages(StatusCodeErrors.WriteAsync);
        app.MapChatCompletionsApi();
        app.MapModelsApi();
        app.MapRouterStatusApi();
        app.MapBreakersAdminApi();
        app.MapApiDocument();

        // The gauges observe the latency snapshot; nothing else depends on them, so create them here.
        app.Services.GetRequiredService<LatencyGauges>();
        return app;
    }
}
