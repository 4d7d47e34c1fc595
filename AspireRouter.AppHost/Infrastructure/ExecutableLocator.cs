namespace AspireRouter.AppHost.Infrastructure;

/// <summary>Finds the binaries of executables mode on <c>PATH</c>, or fails with what to install.</summary>
internal static class ExecutableLocator
{
    /// <summary>The full path of <paramref name="name"/> on <c>PATH</c> or in one of <paramref name="extraDirectories"/>, or null.</summary>
    public static string? Find(string name, IEnumerable<string>? extraDirectories = null)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories ?? []);

        return directories
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>The directory holding PostgreSQL's server binaries (<c>postgres</c>, <c>initdb</c>, <c>pg_ctl</c>).</summary>
    /// <exception cref="DistributedApplicationException">They are not installed.</exception>
    public static string FindPostgresBinDirectory()
    {
        // Debian and Ubuntu install the server outside PATH, under /usr/lib/postgresql/<major>/bin.
        var debianDirectories = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];

        var postgres = Find("postgres", debianDirectories);
        if (postgres is null || !File.Exists(Path.Combine(Path.GetDirectoryName(postgres)!, "initdb")))
        {
            throw new DistributedApplicationException(
                "Infrastructure mode 'executables' needs the PostgreSQL server binaries (postgres, initdb, pg_ctl), which were not found " +
                "on PATH nor under /usr/lib/postgresql/*/bin. Install them with 'sudo apt-get install -y postgresql' (Debian/Ubuntu; " +
                "'apt-get install -y postgresql' as root) or 'brew install postgresql@15' (macOS), or choose another mode: " +
                "Infrastructure:Mode=containers with a container runtime, or connection-strings with ConnectionStrings:redis and ConnectionStrings:ledgerdb.");
        }

        return Path.GetDirectoryName(postgres)!;
    }

    /// <summary>The full path of <c>redis-server</c>.</summary>
    /// <exception cref="DistributedApplicationException">It is not installed.</exception>
    public static string FindRedisServer() =>
        Find("redis-server")
        ?? throw new DistributedApplicationException(
            "Infrastructure mode 'executables' needs 'redis-server', which was not found on PATH. Install it with " +
            "'sudo apt-get install -y redis-server' (Debian/Ubuntu; 'apt-get install -y redis-server' as root) or 'brew install redis' " +
            "(macOS), or choose another mode: Infrastructure:Mode=containers with a container runtime, or connection-strings with " +
            "ConnectionStrings:redis and ConnectionStrings:ledgerdb.");
}
