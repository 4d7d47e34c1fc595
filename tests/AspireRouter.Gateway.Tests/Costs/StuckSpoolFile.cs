using System.Diagnostics;
using System.Text;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// A spool file whose writer hangs, as on a stalled disk: <c>spool.jsonl</c> is a named pipe nobody reads, so opening
/// it for writing blocks. <see cref="Release"/> opens it for reading and writing (which never blocks and unblocks the
/// writer) and drains it from then on, keeping what was written.
/// </summary>
internal sealed class StuckSpoolFile : IDisposable
{
    private static readonly byte[] EndMark = "\n#end-of-test\n"u8.ToArray();
    private readonly string _path;
    private readonly StringBuilder _written = new();
    private FileStream? _pipe;
    private Task? _drain;

    /// <summary>Makes <c>{spoolDirectory}/{region}/spool.jsonl</c> a named pipe.</summary>
    public StuckSpoolFile(string spoolDirectory, string region = "global")
    {
        var directory = Directory.CreateDirectory(Path.Combine(spoolDirectory, region)).FullName;
        _path = Path.Combine(directory, "spool.jsonl");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo") { ArgumentList = { _path } })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Lets the writer through; everything it writes from then on is drained.</summary>
    public void Release()
    {
        if (_pipe is not null)
        {
            return;
        }

        _pipe = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        _drain = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[64 * 1024];
            var received = new List<byte>();
            int read;
            while ((read = _pipe.Read(buffer)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, read));
                if (received.Count >= EndMark.Length && System.Runtime.InteropServices.CollectionsMarshal.AsSpan(received)[^EndMark.Length..].SequenceEqual(EndMark))
                {
                    break;
                }
            }

            lock (_written)
            {
                _written.Append(Encoding.UTF8.GetString(received.ToArray()));
            }
        }, TaskCreationOptions.LongRunning);
    }

    /// <summary>Stops draining (after the gateway has stopped writing) and returns the event lines written.</summary>
    public IReadOnlyList<string> Finish()
    {
        if (_pipe is null || _drain is null)
        {
            return [];
        }

        _pipe.Write(EndMark);
        _drain.Wait(TimeSpan.FromSeconds(10));
        lock (_written)
        {
            return [.. _written.ToString().Split('\n').Where(line => line.EndsWith('}'))];
        }
    }

    public void Dispose()
    {
        Release(); // never leave a writer blocked
        Finish();
        _pipe?.Dispose();
        File.Delete(_path);
    }
}
