namespace AspireRouter.Gateway.Tests.Telemetry;

/// <summary>
/// The meters the service defaults export (<see cref="Microsoft.Extensions.Hosting.Extensions.PlatformMeters"/>): the
/// request durations and the gateway's own instruments, not the per-request ones left out for their cost.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class PlatformMetersTests : IDisposable
{
    private readonly TracedGateway _traced = new(sampleRatio: 1);

    [Fact]
    public async Task RequestDurationsAndGatewayInstruments_AreExported_PerRequestChurnIsNot()
    {
        (await _traced.PostAsync("light")).EnsureSuccessStatusCode();

        var names = (await _traced.UntilAsync(
            () => _traced.Metrics() is { } metrics && metrics.Any(m => m.Name == "http.server.request.duration") ? metrics : null,
            "the request duration")).Select(m => m.Name).ToHashSet();

        Assert.Contains("aspirerouter.requests", names);
        Assert.DoesNotContain("aspnetcore.routing.match_attempts", names);
        Assert.DoesNotContain(names, name => name.StartsWith("aspnetcore.memory_pool.", StringComparison.Ordinal));
        Assert.All(Microsoft.Extensions.Hosting.Extensions.DroppedInstruments, dropped => Assert.DoesNotContain(dropped, names));
    }

    public void Dispose() => _traced.Dispose();
}
