using AspireRouter.AppHost.Deployment;

namespace AspireRouter.AppHost.Tests.Deployment;

/// <summary>
/// What <c>azd up</c> deploys to Azure Container Apps: the manifest the AppHost writes in publish mode (nothing is started).
/// </summary>
public sealed class PublishManifestTests
{
    private static readonly string[] Gateways = ["gateway-global", "gateway-cn"];
    private static readonly string[] Services = ["gateway-global", "gateway-cn", "cost-ledger", "health-probe"];

    [Fact]
    public async Task Manifest_RedisAndPostgres_KeepTheirDataOnVolumes_RedisWithTheAppendOnlyFile()
    {
        var manifest = await PublishManifest.PublishAsync();

        var redis = manifest.Resource("redis");
        Assert.Equal("container.v0", (string?)redis["type"]);
        Assert.Contains(redis["volumes"]!.AsArray(), v => (string?)v!["target"] == "/data" && (bool?)v["readOnly"] == false);
        Assert.Contains("--appendonly yes", string.Join(' ', redis["args"]!.AsArray().Select(a => (string?)a)), StringComparison.Ordinal);

        var postgres = manifest.Resource("postgres");
        Assert.Equal("container.v0", (string?)postgres["type"]);
        Assert.Contains(postgres["volumes"]!.AsArray(), v => (string?)v!["target"] == "/var/lib/postgresql" && (bool?)v["readOnly"] == false);
    }

    [Fact]
    public async Task Manifest_WithConnectionStrings_UsesManagedRedisAndPostgres_AsSecretParameters()
    {
        var manifest = await PublishManifest.PublishAsync("--Infrastructure:Mode=connection-strings");

        Assert.Null(manifest.Resources["postgres"]);
        foreach (var name in (string[])["redis", "ledgerdb"])
        {
            var parameter = manifest.Resource(name);
            Assert.Equal("parameter.v0", (string?)parameter["type"]);
            Assert.Equal($"{{{name}.value}}", (string?)parameter["connectionString"]);
            Assert.True((bool?)parameter["inputs"]!["value"]!["secret"]);
        }

        Assert.Equal("{redis.connectionString}", (string?)manifest.Environment("gateway-global")["ConnectionStrings__redis"]);
        Assert.Equal("{ledgerdb.connectionString}", (string?)manifest.Environment("cost-ledger")["ConnectionStrings__ledgerdb"]);
    }

    [Fact]
    public async Task Manifest_GatewaysAndLedger_HaveExternalIngress_ProbeHasNone()
    {
        var manifest = await PublishManifest.PublishAsync();

        foreach (var name in (string[])[.. Gateways, "cost-ledger"])
        {
            Assert.True((bool?)manifest.Resource(name)["bindings"]!["http"]!["external"], $"{name} is not reachable from outside.");
        }

        Assert.NotEqual(true, (bool?)manifest.Resource("health-probe")["bindings"]?["http"]?["external"]);
    }

    [Fact]
    public async Task Manifest_Gateways_SpoolOnTheirVolume_NameTheirRegionAndLocation_RunReplicas()
    {
        var manifest = await PublishManifest.PublishAsync();

        foreach (var name in Gateways)
        {
            var environment = manifest.Environment(name);
            Assert.Equal(DeploymentExtensions.SpoolMountPath, (string?)environment["Costs__SpoolDirectory"]);
            Assert.Equal("true", (string?)environment["Costs__SpoolPerInstance"]);
            Assert.Equal($"{{{name}-location.value}}", (string?)environment["Deployment__Location"]);
            Assert.NotNull(manifest.Resource($"{name}-location")["inputs"]!["value"]!["default"]);

            var gateway = manifest.Model.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            Assert.Contains(gateway.Annotations.OfType<ContainerMountAnnotation>(), m =>
                m.Target == DeploymentExtensions.SpoolMountPath && m.Type == ContainerMountType.Volume && !m.IsReadOnly);
            Assert.True(gateway.Annotations.OfType<ReplicaAnnotation>().Single().Replicas >= 2);
        }

        // Two consumers of the cost stream: a ledger replica's restart or upgrade never stops ingestion.
        Assert.Equal(2, manifest.Model.Resources.OfType<ProjectResource>().Single(r => r.Name == "cost-ledger")
            .Annotations.OfType<ReplicaAnnotation>().Single().Replicas);

        Assert.Equal("global", (string?)manifest.Environment("gateway-global")["Gateway__Region"]);
        Assert.Equal("cn", (string?)manifest.Environment("gateway-cn")["Gateway__Region"]);
        Assert.All(["gateway-global", "gateway-cn"], gateway => Assert.Equal("0x2000000", (string?)manifest.Environment(gateway)["DOTNET_GCgen0size"]));
        // One socket event loop per core (DeploymentExtensions.WithGatewayEventLoops), deployed as it was measured.
        Assert.All(["gateway-global", "gateway-cn"], gateway => Assert.Equal("1", (string?)manifest.Environment(gateway)["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"]));
        Assert.Equal("eastasia", (string?)manifest.Resource("gateway-cn-location")["inputs"]!["value"]!["default"]!["value"]);
    }

    [Fact]
    public async Task Manifest_Services_HaveLivenessAndReadinessProbes()
    {
        var manifest = await PublishManifest.PublishAsync();

#pragma warning disable ASPIREPROBES001 // Probes are evaluation API in Aspire 13.
        foreach (var name in Services)
        {
            var service = manifest.Model.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            var probes = service.Annotations.OfType<EndpointProbeAnnotation>().ToDictionary(p => p.Type, p => p.Path);
            Assert.Equal("/alive", probes.GetValueOrDefault(ProbeType.Liveness));
            Assert.Equal("/health", probes.GetValueOrDefault(ProbeType.Readiness));
        }
#pragma warning restore ASPIREPROBES001
    }

    [Fact]
    public async Task Manifest_Secrets_AreSecretParameters_NeverPlainTextInAnEnvironment()
    {
        var manifest = await PublishManifest.PublishAsync();

        var secrets = manifest.Resources
            .Where(r => (string?)r.Value!["type"] == "parameter.v0" && (bool?)r.Value["inputs"]?["value"]?["secret"] == true)
            .Select(r => r.Key)
            .ToHashSet();
        Assert.Contains("admin-key", secrets);
        Assert.Contains("deepseek-cn-api-key", secrets);
        Assert.DoesNotContain(manifest.Resources, r => r.Key == "simulator-api-key");

        foreach (var (name, resource) in manifest.Resources)
        {
            foreach (var (variable, value) in resource!["env"]?.AsObject() ?? [])
            {
                var text = (string?)value ?? "";
                if (variable.Contains("KEY", StringComparison.OrdinalIgnoreCase) || variable.Contains("PASSWORD", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.True(text.StartsWith('{') && text.EndsWith('}'), $"{name}'s {variable} is a literal, not a parameter reference.");
                }

                Assert.DoesNotContain(GatewayAuthDefaults, text.Contains);
            }
        }

        Assert.Equal("{admin-key.value}", (string?)manifest.Environment("cost-ledger")["Admin__Key"]);
    }

    /// <summary>Run mode's conveniences that a deployment must never carry.</summary>
    private static readonly string[] GatewayAuthDefaults = ["local-dev", "local-admin", "sim-dev-key"];
}
