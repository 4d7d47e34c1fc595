using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireRouter.AppHost.Tests.Deployment;

/// <summary>
/// The application scaled out on one machine (<c>Deployment:ScaleOut</c>): gateway-global as three replicas and the cost
/// ledger as two behind Aspire's proxy. A dead consumer's entries are claimed after 2 s instead of 30 s.
/// </summary>
public sealed class ScaleOutAppFixture : AspireRouterAppFixture
{
    protected override IEnumerable<string> Overrides =>
    [
        "--Deployment:ScaleOut=true",
        "--Ingestion:ClaimMinIdle=00:00:02",
        "--Ingestion:ClaimInterval=00:00:00.500",
    ];

    /// <summary>One running, healthy replica: its id (the DCP instance), its own URL (not the proxy's), its process and working directory.</summary>
    public sealed record Replica(string Id, Uri Url, int ProcessId, string WorkingDirectory);

    /// <summary>Waits until <paramref name="count"/> replicas of <paramref name="resourceName"/> are running and healthy.</summary>
    public async Task<IReadOnlyList<Replica>> WaitForReplicasAsync(string resourceName, int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var latest = new Dictionary<string, ResourceEvent>();
        await foreach (var e in App.ResourceNotifications.WatchAsync(cancel.Token))
        {
            if (e.Resource.Name != resourceName)
            {
                continue;
            }

            latest[e.ResourceId] = e;
            var ready = latest.Values.Where(r => r.Snapshot.State?.Text == KnownResourceStates.Running
                && r.Snapshot.HealthStatus == HealthStatus.Healthy).ToList();
            if (ready.Count >= count)
            {
                // A restarted replica reports Healthy from its last run for a moment: its own /health must answer too.
                string[] ids = [.. ready.Select(r => r.ResourceId).Order(StringComparer.Ordinal)];
                return await Eventually.ValueAsync(
                    () => AllAnswerAsync([.. ids.Select(id => App.ResourceNotifications.TryGetCurrentState(id, out var current) ? ToReplica(current) : null!)]),
                    replicas => replicas is not null, $"{resourceName}'s replicas to answer on /health", timeout) ?? [];
            }
        }

        throw new OperationCanceledException($"{count} replicas of {resourceName} were not healthy within {timeout}.");
    }

    private static async Task<IReadOnlyList<Replica>?> AllAnswerAsync(IReadOnlyList<Replica> replicas)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var replica in replicas)
        {
            try
            {
                using var health = await http.GetAsync(new Uri(replica.Url, "/health"));
                if (!health.IsSuccessStatusCode)
                {
                    return null;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        return replicas;
    }

    /// <summary>
    /// A replica's own address: the proxy listens on the resource's port and each replica on a port of its own, which
    /// Aspire hands it as <c>ASPNETCORE_URLS</c> (in the snapshot's effective environment).
    /// </summary>
    private static Replica ToReplica(ResourceEvent e)
    {
        var urls = e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value
            ?? throw new InvalidOperationException($"{e.ResourceId} has no ASPNETCORE_URLS: " +
                string.Join(", ", e.Snapshot.EnvironmentVariables.Select(v => v.Name)));
        var pid = e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString()
            ?? throw new InvalidOperationException($"{e.ResourceId} has no process id.");
        var workDir = e.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.workDir")?.Value?.ToString()
            ?? throw new InvalidOperationException($"{e.ResourceId} has no working directory.");
        return new Replica(e.ResourceId, new Uri(urls.Split(';')[0].Replace("+", "localhost", StringComparison.Ordinal)),
            int.Parse(pid, CultureInfo.InvariantCulture), workDir);
    }
}

/// <summary>Tests of the scaled-out application (<see cref="ScaleOutAppFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class ScaleOutAppCollection : ICollectionFixture<ScaleOutAppFixture>
{
    public const string Name = "scale-out-app";
}
