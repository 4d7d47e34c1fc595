using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The local durable spool: events that could not reach Redis, appended as JSON lines to <c>spool.jsonl</c> and
/// fsync'd once per batch. Replay renames the file to <c>replay-*.jsonl</c> first, so new failures go to a fresh file
/// while the old one drains; a replay file is deleted once every event in it is in Redis, and a replay cut short
/// rewrites it with only the events still missing. A crash between an XADD and that rewrite can still resend an
/// event: the ledger ignores duplicates by request id. The active file is also moved aside once it reaches
/// <see cref="RotateBytes"/>, so a long backpressure episode leaves many small files that replay one at a time, never one
/// huge file read whole. <see cref="Bytes"/> is what the spool holds on disk, for the bound of
/// <see cref="CostOptions.MaxSpoolBytes"/>.
/// </summary>
public sealed partial class CostSpool(string directory, CostMetrics metrics, CostLoss loss, ILogger<CostSpool> logger)
{
    private const string ActiveFile = "spool.jsonl";
    private const string ReplayPattern = "replay-*.jsonl";

    /// <summary>Size at which the active file is moved aside for replay.</summary>
    public const long RotateBytes = 16L * 1024 * 1024;

    private readonly Lock _gate = new();
    private long _bytes = -1;

    public string Directory { get; } = directory;

    /// <summary>Whether anything waits to be replayed.</summary>
    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return File.Exists(Path.Combine(Directory, ActiveFile))
                    || (System.IO.Directory.Exists(Directory) && System.IO.Directory.EnumerateFiles(Directory, ReplayPattern).Any());
            }
        }
    }

    /// <summary>
    /// Bytes of every spool file (the active one and those waiting for replay), counted once and then kept up to date.
    /// Never waits for a write in progress (a stalled disk must not stall whoever asks).
    /// </summary>
    public long Bytes
    {
        get
        {
            var known = Volatile.Read(ref _bytes);
            if (known >= 0)
            {
                return known;
            }

            var counted = System.IO.Directory.Exists(Directory)
                ? System.IO.Directory.EnumerateFiles(Directory, "*.jsonl").Sum(f => new FileInfo(f).Length)
                : 0;
            Interlocked.CompareExchange(ref _bytes, counted, -1);
            return counted;
        }
    }

    /// <summary>Appends <paramref name="events"/> and flushes them to disk before returning.</summary>
    public void Append(IReadOnlyCollection<RequestCostRecorded> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var buffer = new MemoryStream();
        foreach (var e in events)
        {
            JsonSerializer.Serialize(buffer, e, CostJsonContext.Default.RequestCostRecorded);
            buffer.WriteByte((byte)'\n');
        }

        lock (_gate)
        {
            System.IO.Directory.CreateDirectory(Directory);
            var active = Path.Combine(Directory, ActiveFile);
            if (new FileInfo(active) is { Exists: true, Length: >= RotateBytes })
            {
                MoveAside(active);
            }

            try
            {
                using var file = new FileStream(active, FileMode.Append, FileAccess.Write, FileShare.Read);
                buffer.Position = 0;
                buffer.CopyTo(file);
                file.Flush(flushToDisk: true);
            }
            finally
            {
                // A torn append leaves some of its bytes: the next read counts the files again.
                Interlocked.Exchange(ref _bytes, -1);
            }
        }
    }

    /// <summary>
    /// <see cref="Append"/>, counted in metrics; a disk failure is logged with every request id it loses rather than
    /// thrown, so the spooler never fails on it. Only <see cref="CostSpooler"/> writes: never a request.
    /// </summary>
    public void TryAppend(IReadOnlyCollection<RequestCostRecorded> events)
    {
        try
        {
            Append(events);
            metrics.Events("spooled", events.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            loss.Record(events.Count, "the spool cannot be written");
            LogSpoolFailed(logger, Directory, ex.Message, string.Join(", ", events.Select(e => e.RequestId)));
        }
    }

    /// <summary>Moves the active file aside for replay; returns every file waiting to be replayed, oldest first.</summary>
    public IReadOnlyList<string> TakeForReplay()
    {
        lock (_gate)
        {
            if (!System.IO.Directory.Exists(Directory))
            {
                return [];
            }

            var active = Path.Combine(Directory, ActiveFile);
            if (File.Exists(active))
            {
                MoveAside(active);
            }

            return [.. System.IO.Directory.EnumerateFiles(Directory, ReplayPattern).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The events of a replay file; a torn or corrupt line (a crash mid-write) is logged and skipped.</summary>
    public List<RequestCostRecorded> Read(string file)
    {
        var events = new List<RequestCostRecorded>();
        foreach (var line in File.ReadLines(file, Encoding.UTF8))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (JsonSerializer.Deserialize(line, CostJsonContext.Default.RequestCostRecorded) is { } e)
                {
                    events.Add(e);
                }
            }
            catch (JsonException)
            {
                LogCorruptLine(logger, file);
            }
        }

        return events;
    }

    public void Delete(string file)
    {
        lock (_gate)
        {
            File.Delete(file);
            Interlocked.Exchange(ref _bytes, -1);
        }
    }

    /// <summary>Renames the active file to the next replay file; replay files sort by name in the order they were made.</summary>
    private void MoveAside(string active)
    {
        var ticks = DateTime.UtcNow.Ticks;
        while (File.Exists(ReplayFile(ticks)))
        {
            ticks++;
        }

        File.Move(active, ReplayFile(ticks));
    }

    private string ReplayFile(long ticks) => Path.Combine(Directory, $"replay-{ticks:D20}.jsonl");

    /// <summary>Replaces a replay file's content with <paramref name="remaining"/> (written aside, fsync'd, then moved over it).</summary>
    public void Rewrite(string file, IReadOnlyCollection<RequestCostRecorded> remaining)
    {
        var temporary = file + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var e in remaining)
            {
                JsonSerializer.Serialize(stream, e, CostJsonContext.Default.RequestCostRecorded);
                stream.WriteByte((byte)'\n');
            }

            stream.Flush(flushToDisk: true);
        }

        lock (_gate)
        {
            File.Move(temporary, file, overwrite: true);
            Interlocked.Exchange(ref _bytes, -1);
        }
    }

    [LoggerMessage(4102, LogLevel.Critical, "Cost events could not be written to the spool under {Directory} ({Reason}); lost request ids: {RequestIds}.")]
    private static partial void LogSpoolFailed(ILogger logger, string directory, string reason, string requestIds);

    [LoggerMessage(4101, LogLevel.Error, "Skipped a corrupt line in the cost spool file {File}.")]
    private static partial void LogCorruptLine(ILogger logger, string file);
}
