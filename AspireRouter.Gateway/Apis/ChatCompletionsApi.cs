namespace AspireRouter.Gateway.Apis;

/// <summary>The OpenAI-compatible surface: <c>POST /v1/chat/completions</c>.</summary>
public static class ChatCompletionsApi
{
    public static IEndpointRouteBuilder MapChatCompletionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1").WithTags("OpenAI");
        api.MapPost("/chat/completions", CreateChatCompletion)
            .WithName("CreateChatCompletion")
            .WithSummary("Routes a chat completion to the model that fits its category; streams with stream=true.")
            .DisableAntiforgery()
            .WithChatCompletionsDocument();
        return app;
    }

    /// <summary>The endpoint: the request goes through the <see cref="ChatPipeline"/>.</summary>
    public static Task CreateChatCompletion(HttpContext context, ChatPipeline pipeline) => pipeline.RunAsync(context);
}
