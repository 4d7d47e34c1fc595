using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace AspireRouter.Testing;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, without persistence, in a temporary directory. Tests get a
/// database number each (<see cref="NextDatabase"/>) so they share the process without seeing each other's keys.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;
    private int _nextDatabase;

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
        _directory = Directory.CreateTempSubdirectory("aspirerouter-redis-").FullName;
    }

    public int Port { get; }

    public static async Task<RedisServer> StartAsync()
    {
        var executable = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server was not found (looked at $REDIS_SERVER, /usr/bin, /usr/local/bin and PATH). Install it "
            + "(e.g. `apt-get install redis-server`) to run the Redis-backed tests.");
        var server = new RedisServer(executable, FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>A connection string for a database of its own, which fails fast and never aborts on connect.</summary>
    public string ConnectionString(int database) =>
        $"127.0.0.1:{Port},defaultDatabase={database},abortConnect=false,connectTimeout=2000,syncTimeout=5000,asyncTimeout=5000";

    public int NextDatabase() => Interlocked.Increment(ref _nextDatabase);

    public Task<ConnectionMultiplexer> ConnectAsync(int database) =>
        ConnectionMultiplexer.ConnectAsync(ConnectionString(database));

    /// <summary>Starts the process (again, on the same port, empty) and waits until it answers PING.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", _directory, "--databases", "1000" })
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_executable}.");
        _process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await PingAsync())
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"redis-server on port {Port} did not start: {output}");
                }
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Freezes the process (SIGSTOP), as a hung Redis: connections stay open, commands are taken by the kernel and never
    /// answered. <see cref="Thaw"/> resumes it; stopping or disposing a frozen server still kills it.
    /// </summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>Resumes a <see cref="Freeze"/>d server (SIGCONT); it answers what it was sent meanwhile.</summary>
    public void Thaw() => Signal("-CONT");

    private void Signal(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("redis-server is not running.");
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })
            ?? throw new InvalidOperationException("Could not run kill.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(1));
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindExecutable()
    {
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("REDIS_SERVER"), "/usr/bin/redis-server", "/usr/local/bin/redis-server" };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? "redis-server.exe" : "redis-server")));
        return candidates.FirstOrDefault(File.Exists);
    }
}
