using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireRouter.ProviderSimulator.Tests;

/// <summary>
/// Hosts the simulator in memory with a test key and a small time scale (simulated delays at 1 %), so latency is
/// still visible but tests stay fast. Each test class gets its own instance, so faults and time scale never leak
/// between classes; tests within a class run one after another.
/// </summary>
public class SimulatorFactory : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key";

    /// <summary>Settings on top of the test defaults; a subclass adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Simulator:ApiKey", ApiKey);
        builder.UseSetting("Simulator:TimeScale", "0.01");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client that sends the Bearer key.</summary>
    public HttpClient CreateAuthorizedClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }
}

/// <summary>A simulator in real time (time scale 1), for tests that measure fixed delays such as the cross-region latency.</summary>
public sealed class RealTimeSimulatorFactory : SimulatorFactory
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Simulator:TimeScale"] = "1",
    };
}

/// <summary>
/// A simulator on a real Kestrel socket (loopback, any free port): for behaviour the in-memory server cannot show,
/// such as what a client receives before the connection is aborted.
/// </summary>
public sealed class KestrelSimulatorFactory : SimulatorFactory
{
    public KestrelSimulatorFactory()
    {
        UseKestrel(0);
        StartServer();
    }
}
