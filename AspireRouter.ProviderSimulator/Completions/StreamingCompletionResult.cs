namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>The <c>text/event-stream</c> answer to <c>"stream": true</c>; see <see cref="CompletionStreamer"/>.</summary>
public sealed class StreamingCompletionResult(CompletionPlan plan, CompletionStreamer streamer) : IResult
{
    public CompletionPlan Plan => plan;

    public Task ExecuteAsync(HttpContext httpContext) => streamer.StreamAsync(plan, httpContext);
}
