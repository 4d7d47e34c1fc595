using System.Text.Json;

namespace AspireRouter.Gateway.Tests.ServiceDefaults;

/// <summary>
/// The runtime settings the gateway ships in its runtimeconfig.json, as measured in bench/README.md: concurrent
/// Workstation GC and thread-pool workers that park without spinning.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void GatewayRuntimeConfig_CarriesTheMeasuredSettings()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "AspireRouter.Gateway.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.True(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        Assert.Equal("0", properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").ToString());
    }
}
