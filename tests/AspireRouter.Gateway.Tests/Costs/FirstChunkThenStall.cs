namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// An upstream stream body that yields <paramref name="first"/> and then stalls: until <paramref name="released"/>
/// completes (then ends), or until the reader gives up when there is nothing to release it.
/// </summary>
internal sealed class FirstChunkThenStall(byte[] first, Task? released = null) : Stream
{
    private bool _sent;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_sent)
        {
            _sent = true;
            first.CopyTo(buffer);
            return first.Length;
        }

        await (released ?? Task.Delay(Timeout.Infinite, cancellationToken)).WaitAsync(cancellationToken);
        return 0;
    }
}
