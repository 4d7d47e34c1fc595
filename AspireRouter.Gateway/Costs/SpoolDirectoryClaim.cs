namespace AspireRouter.Gateway.Costs;

/// <summary>
/// The spool directory this process writes, taken at start-up: it must be writable (a container's non-root user on a
/// volume it does not own fails here, at start, not later with events in hand). With
/// <see cref="CostOptions.SpoolPerInstance"/>, processes sharing one base directory (replicas on one volume, or on one
/// machine, where they share the machine name too) each take the first free slot <c>{machine}-{n}</c>, held by an
/// exclusive lock on its <c>.owner</c> file until the process ends: a replica started after one died takes the free
/// slot and replays what its predecessor left there.
/// </summary>
public sealed class SpoolDirectoryClaim : IDisposable
{
    private const string OwnerFile = ".owner";

    /// <summary>Slots tried before giving up: far more processes than one gateway runs per volume or machine.</summary>
    public const int MaxSlots = 64;

    private readonly FileStream? _owner;

    private SpoolDirectoryClaim(string directory, FileStream? owner)
    {
        Directory = directory;
        _owner = owner;
    }

    /// <summary>The spool directory of this process.</summary>
    public string Directory { get; }

    /// <summary>
    /// <paramref name="baseDirectory"/> itself, or with <paramref name="perInstance"/> its first free slot; throws
    /// <see cref="InvalidOperationException"/> naming the directory and the fix when it cannot be written.
    /// </summary>
    public static SpoolDirectoryClaim Take(string baseDirectory, bool perInstance)
    {
        if (!perInstance)
        {
            CheckWritable(baseDirectory);
            return new SpoolDirectoryClaim(baseDirectory, null);
        }

        for (var slot = 0; slot < MaxSlots; slot++)
        {
            var directory = Path.Combine(baseDirectory, $"{Environment.MachineName}-{slot}");
            CheckWritable(directory);
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix: held until this process ends or disposes it.
                var owner = new FileStream(Path.Combine(directory, OwnerFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                owner.SetLength(0);
                owner.Write(System.Text.Encoding.UTF8.GetBytes($"{Environment.ProcessId}\n"));
                owner.Flush();
                return new SpoolDirectoryClaim(directory, owner);
            }
            catch (IOException)
            {
                // Another live process holds this slot.
            }
        }

        throw new InvalidOperationException(
            $"Every cost spool slot under '{baseDirectory}' ({Environment.MachineName}-0 to -{MaxSlots - 1}) is held by another process.");
    }

    /// <summary>Creates <paramref name="directory"/> and writes and deletes a file in it.</summary>
    private static void CheckWritable(string directory)
    {
        var probe = Path.Combine(directory, $".write-check-{Environment.ProcessId}");
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The cost spool directory '{directory}' is not writable by this process ({Environment.UserName}): {ex.Message} " +
                "Cost events are spooled there while Redis is unreachable. Make it writable (a container volume: owned by, or mounted " +
                "for, uid 1654; see docs/operations.md) or point Costs:SpoolDirectory elsewhere.", ex);
        }
    }

    public void Dispose() => _owner?.Dispose();
}
