namespace AspireRouter.AppHost.Tests.Deployment;

/// <summary>The run option <c>Deployment:ScaleOut</c> in the application model (nothing is started).</summary>
public sealed class ScaleOutOptionTests
{
    [Theory]
    [InlineData(true, 3, 2)]
    [InlineData(false, 1, 2)] // the ledger runs two replicas (two consumers of the cost stream) either way
    public async Task ScaleOut_ReplicatesGatewayGlobal_AndTheLedgerAlwaysRunsTwoReplicas(bool scaleOut, int gateways, int ledgers)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireRouter_AppHost>(
            ["--Infrastructure:Mode=executables", $"--Deployment:ScaleOut={scaleOut}"], timeout.Token);

        Assert.Equal(gateways, Replicas(builder, "gateway-global"));
        Assert.Equal(ledgers, Replicas(builder, "cost-ledger"));
        Assert.Equal(1, Replicas(builder, "gateway-cn"));
        Assert.Equal(2, Replicas(builder, "health-probe"));
    }

    [Fact]
    public async Task LedgerReplicas_AreConfigurable()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireRouter_AppHost>(
            ["--Infrastructure:Mode=executables", "--Deployment:LedgerReplicas=3"], timeout.Token);

        Assert.Equal(3, Replicas(builder, "cost-ledger"));
    }

    private static int Replicas(IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Single(r => r.Name == name).Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
}
