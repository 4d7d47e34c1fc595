using System.Text;
using AspireRouter.ProviderSimulator.Configuration;
using AspireRouter.ProviderSimulator.Latency;
using AspireRouter.ProviderSimulator.Requests;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>
/// Streams a planned answer as OpenAI does: after the time to first token a role chunk, then content chunks of a
/// few tokens paced by the per-token time, a chunk with the finish reason per choice, the usage chunk when
/// <c>stream_options.include_usage</c> asks for it, and <c>data: [DONE]</c>. Choices are interleaved.
/// A client that goes away surfaces as <see cref="OperationCanceledException"/>.
/// </summary>
public sealed partial class CompletionStreamer(
    SimulationClock clock,
    IOptions<SimulatorOptions> options,
    ILogger<CompletionStreamer> logger)
{
    /// <summary>
    /// Real time (not scaled) between the first content chunk and a failMidStream abort. Kestrel's flush completes
    /// before the bytes reach the socket, and an abort resets the connection at once, discarding what is still
    /// unsent: without the grace the chunk the fault promises to deliver could be lost. 100 ms lost it on a loaded
    /// 2-core CI machine running test assemblies side by side; a second has not.
    /// </summary>
    private static readonly TimeSpan MidStreamFailureGrace = TimeSpan.FromSeconds(1);

    public async Task StreamAsync(CompletionPlan plan, HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var pacer = clock.StartPacer(plan.DelayFactor);
        await pacer.WaitUntilAsync(plan.TimeToFirstToken, cancellationToken);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var events = new SseWriter(response.BodyWriter);
        var answers = Enumerable.Range(0, plan.Choices.Length).Select(plan.Answer).ToArray();
        for (var i = 0; i < answers.Length; i++)
        {
            await events.WriteAsync(Chunk(plan, i, new ChunkDelta("assistant", "")), cancellationToken);
        }

        var chunkTokens = options.Value.StreamChunkTokens;
        var text = new StringBuilder();
        for (var sent = 0; sent < plan.LongestAnswer;)
        {
            for (var i = 0; i < answers.Length; i++)
            {
                if (answers[i].Remaining > 0)
                {
                    text.Clear();
                    answers[i].AppendNext(text, chunkTokens);
                    await events.WriteAsync(Chunk(plan, i, new ChunkDelta(Content: text.ToString())), cancellationToken);
                }
            }

            if (plan.FailMidStream)
            {
                // Like a provider whose connection drops: no finish reason, no [DONE], the transport just ends.
                context.Features.GetRequiredFeature<SimulatedCall>().Fault = FaultKinds.FailMidStream;
                await Task.Delay(MidStreamFailureGrace, clock.TimeProvider, cancellationToken);
                LogStreamAbortedOnPurpose(logger, plan.ModelName);
                context.Abort();
                return;
            }

            sent = Math.Min(sent + chunkTokens, plan.LongestAnswer);
            await pacer.WaitUntilAsync(plan.TimeToFirstToken + plan.PerOutputToken * sent, cancellationToken);
        }

        for (var i = 0; i < answers.Length; i++)
        {
            await events.WriteAsync(Chunk(plan, i, ChunkDelta.Empty, plan.Choices[i].FinishReason), cancellationToken);
        }

        if (plan.IncludeUsage)
        {
            await events.WriteAsync(new ChatCompletionChunk(plan.Id, plan.Created, plan.ModelName, [], plan.Usage()), cancellationToken);
        }

        await events.WriteDoneAsync(cancellationToken);
    }

    private static ChatCompletionChunk Chunk(CompletionPlan plan, int index, ChunkDelta delta, string? finishReason = null) =>
        new(plan.Id, plan.Created, plan.ModelName, [new ChunkChoice(index, delta, finishReason)]);

    [LoggerMessage(EventId = 7020, Level = LogLevel.Debug, Message = "Aborted a stream of {Model} after its first content chunk (failMidStream fault)")]
    private static partial void LogStreamAbortedOnPurpose(ILogger logger, string model);
}
