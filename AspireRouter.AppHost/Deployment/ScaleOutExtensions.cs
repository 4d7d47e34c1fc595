using Microsoft.Extensions.Configuration;

namespace AspireRouter.AppHost.Deployment;

/// <summary>
/// Scale-out on one machine (run mode, <c>Deployment:ScaleOut=true</c> or <c>./run.sh --scale</c>): gateway-global as
/// <see cref="ScaledGatewayReplicas"/> processes and the cost ledger as <see cref="ScaledLedgerReplicas"/>, each behind
/// Aspire's proxy on the resource's usual port, sharing Redis and PostgreSQL as replicas in a deployment do.
/// </summary>
public static class ScaleOutExtensions
{
    /// <summary>Run mode: replicas of gateway-global and the cost ledger (default false: one process each).</summary>
    public const string ScaleOutKey = "Deployment:ScaleOut";

    public const int ScaledGatewayReplicas = 3;

    public const int ScaledLedgerReplicas = 2;

    /// <summary>Whether this run scales out (<see cref="ScaleOutKey"/>); never when publishing, which has its own replicas.</summary>
    public static bool IsScaledOut(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode && builder.Configuration.GetValue(ScaleOutKey, false);

    /// <summary>Run mode with <see cref="ScaleOutKey"/>: <paramref name="replicas"/> processes behind Aspire's proxy.</summary>
    public static IResourceBuilder<ProjectResource> WithScaleOutReplicas(this IResourceBuilder<ProjectResource> project, int replicas) =>
        project.ApplicationBuilder.IsScaledOut() ? project.WithReplicas(replicas) : project;
}
