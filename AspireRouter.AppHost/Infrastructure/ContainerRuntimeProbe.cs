using System.Net.Sockets;

namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// Tells in milliseconds whether a Docker or Podman engine answers, without starting a process that could hang:
/// a configured <c>DOCKER_HOST</c>/<c>CONTAINER_HOST</c>, or a unix socket that accepts a connection.
/// </summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(250);

    public static bool IsAvailable()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CONTAINER_HOST")))
        {
            return true;
        }

        return CandidateSockets().Any(AcceptsConnection);
    }

    private static IEnumerable<string> CandidateSockets()
    {
        yield return "/var/run/docker.sock";
        yield return "/run/podman/podman.sock";

        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDirectory)
        {
            yield return Path.Combine(runtimeDirectory, "docker.sock");
            yield return Path.Combine(runtimeDirectory, "podman", "podman.sock");
        }

        yield return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker", "run", "docker.sock");
    }

    private static bool AcceptsConnection(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            using var timeout = new CancellationTokenSource(ConnectTimeout);
            socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
