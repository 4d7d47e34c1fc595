using System.Text.Json;

namespace AspireRouter.Gateway.Tests.ServiceDefaults;

/// <summary>
/// The GC the gateway ships in its runtimeconfig.json, as measured side by side in bench/README.md ("Telemetry and
/// memory"): concurrent Workstation GC, the lowest peak RSS.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void GatewayRuntimeConfig_ChoosesConcurrentWorkstationGc()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "AspireRouter.Gateway.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }
}
