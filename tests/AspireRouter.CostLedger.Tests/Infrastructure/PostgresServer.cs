using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace AspireRouter.CostLedger.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL (initdb in a temporary directory, trust authentication, loopback only, a free port) that tests
/// can stop and start again. As root it runs as the <c>postgres</c> user, since PostgreSQL refuses root.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _root;
    private readonly string _data;
    private readonly string _log;

    private PostgresServer(string bin, int port)
    {
        _bin = bin;
        Port = port;
        _root = Path.Combine(Path.GetTempPath(), $"aspirerouter-pg-{Guid.NewGuid():N}");
        _data = Path.Combine(_root, "data");
        _log = Path.Combine(_root, "postgres.log");
    }

    public int Port { get; }

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(
            "PostgreSQL binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or $PG_BIN. Install them (apt-get install postgresql).");
        var server = new PostgresServer(bin, RedisServer.FreePort());
        await server.InitAsync();
        await server.RestartAsync();
        return server;
    }

    /// <summary>A connection string for <paramref name="database"/> that fails fast while the server is down.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=3;Command Timeout=15;Pooling=true";

    /// <summary>Creates a database of its own for one test.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"ledger_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
        return name;
    }

    public async Task RestartAsync()
    {
        var options = $"-p {Port.ToString(CultureInfo.InvariantCulture)} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c max_connections=200";
        await RunAsync("pg_ctl", "start", "-D", _data, "-l", _log, "-w", "-t", "30", "-o", options);
    }

    /// <summary>Fast shutdown: open sessions are ended, as when the server crashes under a client.</summary>
    public async Task StopAsync()
    {
        await RunAsync("pg_ctl", "stop", "-D", _data, "-m", "fast", "-w", "-t", "30");
        NpgsqlConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("pg_ctl", "stop", "-D", _data, "-m", "immediate", "-w", "-t", "10");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task InitAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_root);
        }
        else
        {
            // The postgres user (as root we run PostgreSQL as it) creates the data directory in here.
            Directory.CreateDirectory(_root, (UnixFileMode)0b111_111_111);
            File.SetUnixFileMode(_root, (UnixFileMode)0b111_111_111);
        }

        await RunAsync("initdb", "-D", _data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
    }

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private async Task RunAsync(string tool, params string[] args)
    {
        var executable = Path.Combine(_bin, tool);
        var start = IsRoot ? new ProcessStartInfo("setpriv") : new ProcessStartInfo(executable);
        if (IsRoot)
        {
            foreach (var arg in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--", executable })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        start.WorkingDirectory = _root;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var log = File.Exists(_log) ? await File.ReadAllTextAsync(_log) : "";
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {await stdout}{await stderr}{log}");
        }
    }

    private static string? FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured && File.Exists(Path.Combine(configured, "initdb")))
        {
            return configured;
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).FirstOrDefault()
            : null;
    }
}
