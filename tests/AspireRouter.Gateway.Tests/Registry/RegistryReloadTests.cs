using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Tests.Registry;

public class RegistryReloadTests
{
    private static (RegistryProvider Provider, IConfigurationRoot Configuration) Create()
    {
        var configuration = new ConfigurationBuilder().AddSeedRegistry().AddInMemoryCollection().Build();
        var options = new RegistryOptions();
        configuration.GetSection(RegistryOptions.SectionName).Bind(options);
        return (new RegistryProvider(Options.Create(options), configuration, NullLogger<RegistryProvider>.Instance), configuration);
    }

    [Fact]
    public void Reload_ValidChange_ReplacesTheSnapshot()
    {
        var (provider, configuration) = Create();
        using var _ = provider;

        configuration["Registry:Categories:light:Primary"] = "glm-4-9b";
        configuration["Registry:Categories:light:Fallbacks:1"] = "";
        configuration.Reload();

        Assert.Equal("glm-4-9b", provider.Current.Categories["light"].Chain[0]);
    }

    [Fact]
    public void Reload_InvalidChange_KeepsTheLastGoodRegistry()
    {
        var (provider, configuration) = Create();
        using var _ = provider;
        var before = provider.Current;

        configuration["Registry:Categories:light:Primary"] = "no-such-model";
        configuration.Reload();

        Assert.Same(before, provider.Current);
        Assert.Equal("qwen-3-8b", provider.Current.Categories["light"].Chain[0]);
    }
}
