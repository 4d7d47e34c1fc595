using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireRouter.ProviderSimulator.Tests.Configuration;

public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Simulator:Region", "eu", "Region")]
    [InlineData("Simulator:TimeScale", "-1", "TimeScale")]
    [InlineData("Simulator:CrossRegionLatencyMin", "00:00:01", "CrossRegionLatencyMax")]
    [InlineData("Simulator:Profiles:qwen-3-8b:TimeToFirstTokenP99", "00:00:00.010", "qwen-3-8b")]
    [InlineData("Simulator:Profiles:glm-5:DefaultOutputTokens", "0", "glm-5")]
    [InlineData("Registry:Models:glm-5:ContextWindow", "0", "glm-5")]
    public void Startup_InvalidSetting_FailsNamingTheSetting(string key, string value, string named)
    {
        var failure = StartupFailure.Of(
            () => new WebApplicationFactory<Program>().WithWebHostBuilder(b => b.UseSetting(key, value)),
            factory => _ = factory.Server);

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }
}
