using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The local durable spool: events that could not reach Redis, appended as JSON lines to <c>spool.jsonl</c> and
/// fsync'd once per batch. Replay renames the file to <c>replay-*.jsonl</c> first, so new failures go to a fresh file
/// while the old one drains; a replay file is deleted once every event in it is in Redis, and a replay cut short
/// rewrites it with only the events still missing. A crash between an XADD and that rewrite can still resend an
/// event: the ledger ignores duplicates by request id.
/// </summary>
public sealed partial class CostSpool(string directory, CostMetrics metrics, CostLoss loss, ILogger<CostSpool> logger)
{
    private const string ActiveFile = "spool.jsonl";
    private const string ReplayPattern = "replay-*.jsonl";

    private readonly Lock _gate = new();

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
            using var file = new FileStream(Path.Combine(Directory, ActiveFile), FileMode.Append, FileAccess.Write, FileShare.Read);
            buffer.Position = 0;
            buffer.CopyTo(file);
            file.Flush(flushToDisk: true);
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
                File.Move(active, Path.Combine(Directory, $"replay-{DateTime.UtcNow.Ticks:D20}.jsonl"));
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

    public static void Delete(string file) => File.Delete(file);

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

        File.Move(temporary, file, overwrite: true);
    }

    [LoggerMessage(4102, LogLevel.Critical, "Cost events could not be written to the spool under {Directory} ({Reason}); lost request ids: {RequestIds}.")]
    private static partial void LogSpoolFailed(ILogger logger, string directory, string reason, string requestIds);

    [LoggerMessage(4101, LogLevel.Error, "Skipped a corrupt line in the cost spool file {File}.")]
    private static partial void LogCorruptLine(ILogger logger, string file);
}
