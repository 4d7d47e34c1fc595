using Microsoft.Extensions.Configuration;

namespace AspireRouter.AppHost.Deployment;

/// <summary>
/// Scale-out on one machine (run mode, <c>Deployment:ScaleOut=true</c> or <c>./run.sh --scale</c>): gateway-global as
/// <see cref="ScaledGatewayReplicas"/> processes behind Aspire's proxy on the resource's usual port, sharing Redis as
/// replicas in a deployment do (the cost ledger runs as <see cref="DeploymentExtensions.LedgerReplicasKey"/> replicas,
/// two by default, whether scaled out or not).
/// </summary>
public static class ScaleOutExtensions
{
    /// <summary>Run mode: replicas of gateway-global (default false: one process).</summary>
    public const string ScaleOutKey = "Deployment:ScaleOut";

    public const int ScaledGatewayReplicas = 3;

    /// <summary>Whether this run scales out (<see cref="ScaleOutKey"/>); never when publishing, which has its own replicas.</summary>
    public static bool IsScaledOut(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue(ScaleOutKey, false);

    /// <summary>Run mode with <see cref="ScaleOutKey"/>: <paramref name="replicas"/> processes behind Aspire's proxy.</summary>
    public static IResourceBuilder<ProjectResource> WithScaleOutReplicas(this IResourceBuilder<ProjectResource> project, int replicas) =>
        project.ApplicationBuilder.IsScaledOut() ? project.WithReplicas(replicas) : project;
}
