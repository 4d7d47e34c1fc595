using AspireRouter.Gateway.Execution;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests;

/// <summary>
/// The gateway in-process with every provider replaced by a <see cref="StubProvider"/>. Redis points at a closed port
/// (breakers stay local) unless <paramref name="settings"/> gives <c>ConnectionStrings:redis</c>; settings win over
/// the defaults here. Requests without a key are let through (<c>Gateway:Auth:AllowAnonymous</c>) unless settings say otherwise.
/// </summary>
public sealed class GatewayFactory(IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
{
    public StubProvider Stub { get; } = new();

    /// <summary>Providers called over real sockets (the gateway's own handlers) instead of <see cref="Stub"/>.</summary>
    public bool RealProviders { get; init; }

    /// <summary>A cost spool of this factory's own, so tests never replay each other's events.</summary>
    public string SpoolDirectory { get; } = Path.Combine(Path.GetTempPath(), "aspirerouter-spool-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:redis", "127.0.0.1:1,abortConnect=false,connectTimeout=100");
        builder.UseSetting("Gateway:Region", "global");
        builder.UseSetting("Gateway:Auth:AllowAnonymous", "true");
        builder.UseSetting("Costs:SpoolDirectory", SpoolDirectory);
        builder.UseSetting("Gateway:RetryBaseDelay", "00:00:00.010");
        builder.UseSetting("Gateway:RetryMaxDelay", "00:00:00.050");
        builder.UseSetting("Gateway:StreamStallTimeout", "00:00:01");
        builder.UseSetting("Registry:Categories:light:Timeout", "00:00:01");
        foreach (var provider in new[] { "qwen", "deepseek", "kimi", "glm" })
        {
            builder.UseSetting($"Registry:Providers:{provider}:Regions:global:BaseUrl", $"http://{provider}.global.test/v1");
            builder.UseSetting($"Registry:Providers:{provider}:Regions:global:ApiKey", $"key-{provider}-global");
            builder.UseSetting($"Registry:Providers:{provider}:Regions:cn:BaseUrl", $"http://{provider}.cn.test/v1");
            builder.UseSetting($"Registry:Providers:{provider}:Regions:cn:ApiKey", $"key-{provider}-cn");
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (RealProviders)
        {
            return;
        }

        builder.ConfigureServices(services =>
        {
            foreach (var name in ProviderClients.Names)
            {
                services.AddHttpClient(name).ConfigurePrimaryHttpMessageHandler(() => Stub);
            }
        });
    }
}
