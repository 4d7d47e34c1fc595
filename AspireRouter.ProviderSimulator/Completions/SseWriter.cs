using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using AspireRouter.ProviderSimulator.Wire;

namespace AspireRouter.ProviderSimulator.Completions;

/// <summary>Writes <c>data: {chunk}\n\n</c> events straight into the response pipe and flushes each one.</summary>
internal sealed class SseWriter(PipeWriter pipe) : IDisposable
{
    private readonly Utf8JsonWriter _json = new(pipe, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <exception cref="OperationCanceledException">The client is gone.</exception>
    public ValueTask WriteAsync(ChatCompletionChunk chunk, CancellationToken cancellationToken)
    {
        pipe.Write("data: "u8);
        JsonSerializer.Serialize(_json, chunk, OpenAiJson.Context.ChatCompletionChunk);
        _json.Flush();
        _json.Reset();
        pipe.Write("\n\n"u8);
        return FlushAsync(cancellationToken);
    }

    /// <summary>The <c>data: [DONE]</c> sentinel that ends an OpenAI stream.</summary>
    public ValueTask WriteDoneAsync(CancellationToken cancellationToken)
    {
        pipe.Write("data: [DONE]\n\n"u8);
        return FlushAsync(cancellationToken);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await pipe.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new OperationCanceledException("The client closed the stream.");
        }
    }

    public void Dispose() => _json.Dispose();
}
