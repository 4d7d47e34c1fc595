using System.Buffers;
using System.Text;

namespace AspireRouter.Gateway.Execution;

/// <summary>
/// Sits between a provider's SSE stream and the client: splits the bytes into events (forwarding whole events
/// only), reads each <c>data:</c> payload with <see cref="CompletionJson"/> for <c>usage</c> and the generated text,
/// and drops the usage-only chunk (<c>"choices":[]</c> with <c>usage</c>) when the gateway asked for it on the
/// client's behalf. Bytes that are not SSE-shaped pass through untouched.
/// </summary>
public sealed class SseUsageTap(bool stripUsageChunk, int maxTextChars = 256 * 1024)
{
    /// <summary>An event larger than this without a delimiter is forwarded as it is, unparsed.</summary>
    private const int MaxPendingBytes = 1024 * 1024;

    private readonly StringBuilder _text = new();
    private byte[] _pending = new byte[4096];
    private int _length;

    /// <summary>The provider's reported usage, once its usage chunk has passed.</summary>
    public TokenUsage? Usage { get; private set; }

    /// <summary>The stream's <c>model</c> (from its first chunk that names one) and its <c>finish_reason</c>.</summary>
    public ResponseFacts Facts { get; private set; }

    /// <summary>Bytes of stream content seen (forwarded or not), for a fallback estimate.</summary>
    public long BytesSeen { get; private set; }

    /// <summary>Generated text seen so far (capped), for a tokenizer estimate when no usage arrives.</summary>
    public string Text => _text.ToString();

    /// <summary>Feeds bytes read from the provider; writes whatever whole events the client should get to <paramref name="forward"/>.</summary>
    public void Process(ReadOnlySpan<byte> chunk, IBufferWriter<byte> forward)
    {
        BytesSeen += chunk.Length;
        Append(chunk);
        var consumed = 0;
        while (true)
        {
            var pending = _pending.AsSpan(consumed, _length - consumed);
            var end = EventEnd(pending);
            if (end < 0)
            {
                break;
            }

            HandleEvent(pending[..end], forward);
            consumed += end;
        }

        if (_length - consumed > MaxPendingBytes)
        {
            forward.Write(_pending.AsSpan(consumed, _length - consumed));
            consumed = _length;
        }

        _pending.AsSpan(consumed, _length - consumed).CopyTo(_pending);
        _length -= consumed;
    }

    /// <summary>At the end of the stream: forwards an unterminated last event as it is (after reading it).</summary>
    public void Flush(IBufferWriter<byte> forward)
    {
        if (_length > 0)
        {
            HandleEvent(_pending.AsSpan(0, _length), forward);
            _length = 0;
        }
    }

    private void HandleEvent(ReadOnlySpan<byte> sseEvent, IBufferWriter<byte> forward)
    {
        var rest = sseEvent;
        var drop = false;
        while (!rest.IsEmpty)
        {
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? default : rest[(newline + 1)..];
            if (!line.StartsWith("data:"u8))
            {
                continue;
            }

            var payload = line[5..].Trim((byte)' ').TrimEnd((byte)'\r');
            if (payload.IsEmpty || payload[0] != (byte)'{')
            {
                continue;
            }

            // The model is read until a chunk names it, the finish reason until one arrives: one string each per stream.
            var wanted = (Facts.Model is null ? CompletionJson.FactKinds.Model : 0) | (Facts.FinishReason is null ? CompletionJson.FactKinds.FinishReason : 0);
            var scan = CompletionJson.Read(payload, _text.Length < maxTextChars ? _text : null, wanted);
            if (wanted != 0 && (scan.Facts.Model ?? scan.Facts.FinishReason) is not null)
            {
                Facts = new ResponseFacts(Facts.Model ?? scan.Facts.Model, Facts.FinishReason ?? scan.Facts.FinishReason);
            }

            if (scan.Usage is { } usage)
            {
                Usage = usage;
                drop |= stripUsageChunk && scan.ChoicesEmpty;
            }
        }

        if (!drop)
        {
            forward.Write(sseEvent);
        }
    }

    /// <summary>Length of the first whole event (delimiter included), or -1.</summary>
    private static int EventEnd(ReadOnlySpan<byte> pending)
    {
        var lf = pending.IndexOf("\n\n"u8);
        var crlf = pending.IndexOf("\r\n\r\n"u8);
        return (lf, crlf) switch
        {
            (< 0, < 0) => -1,
            (>= 0, < 0) => lf + 2,
            (< 0, >= 0) => crlf + 4,
            _ => lf < crlf ? lf + 2 : crlf + 4,
        };
    }

    private void Append(ReadOnlySpan<byte> chunk)
    {
        if (_length + chunk.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + chunk.Length));
        }

        chunk.CopyTo(_pending.AsSpan(_length));
        _length += chunk.Length;
    }
}
