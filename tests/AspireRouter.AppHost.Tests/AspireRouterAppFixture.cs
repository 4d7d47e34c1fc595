using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// One running AspireRouter application per test collection: the real AppHost in executables mode (the machine's
/// redis-server and PostgreSQL, a fresh data directory), random ports so a developer's running instance does not
/// conflict, started with a deadline and torn down with every process it started.
/// </summary>
public class AspireRouterAppFixture : IAsyncLifetime
{
    /// <summary>Time for the whole application to start and become healthy on a 2-core machine, builds excluded.</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The health probe's interval for every model (production default: 15 s).</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    /// <summary>The probe leader's lease (production default: 10 s).</summary>
    public static readonly TimeSpan ProbeLeaseTime = TimeSpan.FromSeconds(3);

    /// <summary>The shared latency window (production default: 5 minutes).</summary>
    public static readonly TimeSpan LatencyWindow = TimeSpan.FromSeconds(20);

    /// <summary>How often each gateway rebuilds its latency snapshot (production default: 1 s).</summary>
    public static readonly TimeSpan LatencyRefresh = TimeSpan.FromSeconds(1);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"aspire-router-tests-{Guid.NewGuid():N}");
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    /// <summary>Every visible resource of the application but parameters: what must be running and healthy.</summary>
    public IReadOnlyList<string> ResourceNames { get; private set; } = [];

    /// <summary>From <c>StartAsync</c> to every resource healthy.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    /// <summary>Extra AppHost arguments (<c>--Key=value</c>) of a fixture whose application is configured differently.</summary>
    protected virtual IEnumerable<string> Overrides => [];

    public HttpClient CreateHttpClient(string resourceName) => App.CreateHttpClient(resourceName, "http");

    public Uri GetBaseUri(string resourceName, string endpointName = "http") => App.GetEndpoint(resourceName, endpointName);

    public Task<string?> GetConnectionStringAsync(string resourceName) => App.GetConnectionStringAsync(resourceName).AsTask();

    /// <summary>
    /// The running instances of <paramref name="resourceName"/>: one id (the resource's name) for a single process, one
    /// per replica (<c>cost-ledger-xyz</c>) for a replicated one — the ids that commands and resource states are kept by.
    /// </summary>
    public async Task<IReadOnlyList<string>> InstancesOfAsync(string resourceName)
    {
        // The notification service replays every instance's latest state to a new watcher first.
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        using var replayed = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await foreach (var e in App.ResourceNotifications.WatchAsync(replayed.Token))
            {
                if (e.Resource.Name == resourceName)
                {
                    ids.Add(e.ResourceId);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return [.. ids];
    }

    public async Task InitializeAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_dataDirectory);
        }
        else
        {
            // The postgres user, which runs PostgreSQL when the tests run as root, must be able to enter this directory.
            Directory.CreateDirectory(_dataDirectory,
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        using var startup = new CancellationTokenSource(StartupTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireRouter_AppHost>(
            [
                "--Infrastructure:Mode=executables",
                $"--Infrastructure:DataDirectory={_dataDirectory}",
                "--DcpPublisher:RandomizePorts=true",
                // A fast probe and a short latency window, so a slowed model is seen and forgiven within seconds.
                $"--HealthProbe:Interval={ProbeInterval}",
                $"--HealthProbe:FastInterval={ProbeInterval}",
                $"--HealthProbe:MinIntervalPerModel={ProbeInterval}",
                "--HealthProbe:MaxConcurrency=16",
                $"--HealthProbe:LeaseTime={ProbeLeaseTime}",
                $"--Latency:Window={LatencyWindow}",
                "--Latency:Slices=10",
                $"--Latency:RefreshInterval={LatencyRefresh}",
                .. Overrides,
            ],
            startup.Token);

        builder.Services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Information)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Warning)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        string[] candidates = [.. builder.Resources.Where(r => r is not ParameterResource).Select(r => r.Name)];

        try
        {
            _app = await builder.BuildAsync(startup.Token);
            var clock = Stopwatch.StartNew();
            await _app.StartAsync(startup.Token);

            // Hidden resources (a project's rebuilder, say) are Aspire's machinery: they never run on their own.
            ResourceNames = [.. candidates.Where(name =>
                !(_app.ResourceNotifications.TryGetCurrentState(name, out var resource) && resource.Snapshot.IsHidden))];
            await Task.WhenAll(ResourceNames.Select(name => WaitForHealthyAsync(name, startup.Token)));
            TimeToHealthy = clock.Elapsed;
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task WaitForHealthyAsync(string resourceName, CancellationToken cancellationToken)
    {
        try
        {
            await App.ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var state = App.ResourceNotifications.TryGetCurrentState(resourceName, out var current)
                ? $"{current.Snapshot.State?.Text ?? "no state"}, health {current.Snapshot.HealthStatus?.ToString() ?? "unknown"}"
                : "unknown";
            throw new TimeoutException($"'{resourceName}' was not healthy within {StartupTimeout} ({state}).");
        }
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(StopTimeout);
            try
            {
                await _app.StopAsync(stop.Token);
            }
            finally
            {
                await _app.DisposeAsync();
                _app = null;
            }
        }

        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }
}

/// <summary>Tests that share one running application.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AspireRouterAppFixture>
{
    public const string Name = "app";
}

/// <summary>
/// A second application for tests that disturb it for everyone else (killing the probe leader's process, slowing a
/// primary model until the latency window forgets it). Collections run one after the other in this assembly.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DisruptiveAppCollection : ICollectionFixture<AspireRouterAppFixture>
{
    public const string Name = "disruptive-app";
}

/// <summary>The application with <c>regional-cn</c>'s <c>FallbackToGlobal</c> off: what a strict China deployment runs.</summary>
public sealed class CnOnlyAppFixture : AspireRouterAppFixture
{
    protected override IEnumerable<string> Overrides => ["--Registry:Categories:regional-cn:FallbackToGlobal=false"];
}

/// <summary>
/// A third application, <see cref="CnOnlyAppFixture"/>, for residency tests that take every cn endpoint down and need
/// <c>regional-cn</c> without its global fallback.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CnOnlyAppCollection : ICollectionFixture<CnOnlyAppFixture>
{
    public const string Name = "cn-only-app";
}
