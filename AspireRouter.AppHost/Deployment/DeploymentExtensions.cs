using Microsoft.Extensions.Configuration;

namespace AspireRouter.AppHost.Deployment;

/// <summary>
/// What a published service needs in Azure Container Apps and nothing changes when running: health probes, replicas, the
/// gateways' cost spool on a volume, and the Azure region each gateway is deployed to.
/// </summary>
public static class DeploymentExtensions
{
    /// <summary>Where a published gateway's cost spool volume is mounted.</summary>
    public const string SpoolMountPath = "/data/spool";

    /// <summary>
    /// The user the .NET SDK's container images run as (<c>app</c>, uid and gid 1654): the spool volume must be writable
    /// by it (Azure Files mount options <c>uid=1654,gid=1654</c>, see docs/operations.md).
    /// </summary>
    public const int ContainerUserId = 1654;

    /// <summary>Gateway replicas when published: <c>Deployment:GatewayReplicas</c>, default 2.</summary>
    public const string GatewayReplicasKey = "Deployment:GatewayReplicas";

    /// <summary>
    /// Cost-ledger replicas, running and published: <c>Deployment:LedgerReplicas</c>, default 2 — two consumers of the
    /// cost stream's group, so one replica's crash or restart leaves the other writing (and claiming the dead one's
    /// pending entries), and a deployment's rolling upgrade never stops ingestion.
    /// </summary>
    public const string LedgerReplicasKey = "Deployment:LedgerReplicas";

    /// <summary>
    /// Run mode: the dashboard's health check on <c>/health</c>. Publish mode: a liveness probe on <c>/alive</c> (the
    /// process answers) and a readiness probe on <c>/health</c> (its dependencies answer), which Container Apps polls.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHealthProbes(this IResourceBuilder<ProjectResource> project)
    {
        if (project.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return project.WithHttpHealthCheck("/health");
        }

#pragma warning disable ASPIREPROBES001 // Probes are evaluation API in Aspire 13; they are what a deployment target reads.
        return project
            .WithHttpProbe(ProbeType.Liveness, "/alive", initialDelaySeconds: 5, periodSeconds: 10)
            .WithHttpProbe(ProbeType.Readiness, "/health", initialDelaySeconds: 5, periodSeconds: 10);
#pragma warning restore ASPIREPROBES001
    }

    /// <summary>Publish mode: <paramref name="replicas"/> replicas; run mode keeps one process on its fixed port.</summary>
    public static IResourceBuilder<ProjectResource> WithPublishedReplicas(this IResourceBuilder<ProjectResource> project, int replicas) =>
        project.ApplicationBuilder.ExecutionContext.IsPublishMode ? project.WithReplicas(replicas) : project;

    /// <summary>The configured gateway replicas when published (<see cref="GatewayReplicasKey"/>, at least 1, default 2).</summary>
    public static int GetGatewayReplicas(this IDistributedApplicationBuilder builder) => builder.GetReplicas(GatewayReplicasKey);

    /// <summary>The configured cost-ledger replicas (<see cref="LedgerReplicasKey"/>, at least 1, default 2).</summary>
    public static int GetLedgerReplicas(this IDistributedApplicationBuilder builder) => builder.GetReplicas(LedgerReplicasKey);

    private static int GetReplicas(this IDistributedApplicationBuilder builder, string key)
    {
        var replicas = builder.Configuration.GetValue(key, 2);
        return replicas >= 1
            ? replicas
            : throw new DistributedApplicationException($"{key} must be at least 1; got {replicas}.");
    }

    /// <summary>
    /// Publish mode: the gateway's cost spool on the volume <c>{name}-spool</c> at <see cref="SpoolMountPath"/>, one
    /// directory per replica (the volume is shared by every replica), so events spooled while Redis is down survive a
    /// restart of the container. Run mode keeps the spool under the project's <c>.data</c>, one slot per process when the
    /// gateway runs as replicas (they share the machine name).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithCostSpoolVolume(this IResourceBuilder<ProjectResource> gateway)
    {
        if (gateway.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            return gateway.WithEnvironment(context =>
            {
                if (gateway.Resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1)
                {
                    context.EnvironmentVariables["Costs__SpoolPerInstance"] = "true";
                }
            });
        }

        return gateway
            .WithAnnotation(new ContainerMountAnnotation($"{gateway.Resource.Name}-spool", SpoolMountPath, ContainerMountType.Volume, isReadOnly: false))
            .WithEnvironment("Costs__SpoolDirectory", SpoolMountPath)
            .WithEnvironment("Costs__SpoolPerInstance", "true");
    }

    /// <summary>
    /// The Azure region the gateway is deployed to, as the parameter <c>{name}-location</c> (default
    /// <paramref name="defaultLocation"/>) and the environment variable <c>Deployment__Location</c>: each regional
    /// gateway names its region explicitly, in the manifest and in its own configuration.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDeploymentLocation(this IResourceBuilder<ProjectResource> gateway, string defaultLocation)
    {
        var name = $"{gateway.Resource.Name}-location";
        var builder = gateway.ApplicationBuilder;
        var value = builder.Configuration[$"Parameters:{name}"] is { Length: > 0 } configured ? configured : defaultLocation;
        var location = builder.AddParameter(name, value, publishValueAsDefault: true)
            .WithDescription($"Azure region of {gateway.Resource.Name}'s Container Apps environment (e.g. {defaultLocation}).");
        return gateway.WithEnvironment("Deployment__Location", location);
    }

    /// <summary>The gateway's smallest gen0 allocation budget (32 MiB), in the runtime's hexadecimal notation.</summary>
    public const string GatewayGen0Budget = "0x2000000";

    /// <summary>
    /// The gateway's GC budget, in run mode and when published: <c>DOTNET_GCgen0size</c> at <see cref="GatewayGen0Budget"/>.
    /// Workstation GC sizes gen0 from the cache, a few MB here, so at 10k req/s of ~13 KB each the gateway collected
    /// dozens of times a second; side by side (bench/README.md, "The gen0 budget") the 32 MiB budget gave the exporting
    /// gateway 1–18 % more requests/s at 32 and 128 connections (6–8 % fewer at one) for ~20–30 MB more peak RSS. The runtime reads this knob
    /// only from the environment (not from runtimeconfig.json), so the AppHost sets it and bench/run.sh does the same.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGatewayGcBudget(this IResourceBuilder<ProjectResource> gateway) =>
        gateway.WithEnvironment("DOTNET_GCgen0size", GatewayGen0Budget);

    /// <summary>The runtime's switch that runs socket continuations on the event threads (read only from the environment).</summary>
    public const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// One event loop per core, as Envoy runs its workers: <see cref="InlineSocketCompletions"/> = 1 makes the runtime start
    /// one socket event thread per processor and continue each read or write right there, where by default one event
    /// thread hands every completion to the thread pool (a queue, a wake-up and a context switch per hop, two to four
    /// hops per proxied request). Side by side (bench/README.md, "One event loop per core, and a cheaper export") it gave the gateway 14–17 %
    /// more requests/s at 32 connections and a bare YARP forwarder 5 %. The price is Envoy's: work that blocks a thread
    /// stalls the other connections of its loop, so nothing on the request path blocks (no sync-over-async, no
    /// synchronous Redis call or file write: the cost spool is written by a background service, the emitter's and
    /// spooler's channels continue on the thread pool, StackExchange.Redis completes on its own threads), and CPU work
    /// per request stays bounded by <c>Gateway:MaxRequestBodyBytes</c>. Read only from the environment, so the AppHost sets it and
    /// bench/run.sh does the same.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGatewayEventLoops(this IResourceBuilder<ProjectResource> gateway) =>
        gateway.WithEnvironment(InlineSocketCompletions, "1");
}
