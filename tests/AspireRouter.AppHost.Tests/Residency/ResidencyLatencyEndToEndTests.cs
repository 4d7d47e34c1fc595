using System.Diagnostics;
using System.Globalization;
using System.Net;
using Xunit.Abstractions;
using static AspireRouter.AppHost.Tests.Residency.ResidencyCalls;

namespace AspireRouter.AppHost.Tests.Residency;

/// <summary>
/// A CN-resident request sent to gateway-global is served by the cn simulator over its cross-region path; the same
/// request through gateway-cn stays in-region. Measures both (client-side, median of N) and prints the figures.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class ResidencyLatencyEndToEndTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private const int Samples = 15;

    [Fact]
    public async Task ResidentRequest_ThroughTheOtherRegionsGateway_StaysInCn_AndPaysTheCrossRegionLatency()
    {
        using var simulatorCn = fixture.CreateHttpClient("providers-cn");
        using var simulatorGlobal = fixture.CreateHttpClient("providers-global");
        var inRegion = await MeasureAsync("gateway-cn");
        var crossRegion = await MeasureAsync("gateway-global");

        var global = (await LoggedAsync(simulatorGlobal)).Select(r => r.RequestId).ToHashSet();
        Assert.DoesNotContain(crossRegion.Ids, global.Contains);
        var cn = await LoggedAsync(simulatorCn);
        Assert.All(crossRegion.Ids, id => Assert.Contains(cn, r => r.RequestId == id && r.CrossRegion));
        Assert.All(inRegion.Ids, id => Assert.Contains(cn, r => r.RequestId == id && !r.CrossRegion));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"light, X-AspireRouter-Residency: cn, median of {Samples}: in-region (gateway-cn) {inRegion.Median:0} ms (p10 {inRegion.P10:0}, p90 {inRegion.P90:0}); cross-region (gateway-global -> providers-cn/cross-region) {crossRegion.Median:0} ms (p10 {crossRegion.P10:0}, p90 {crossRegion.P90:0})"));
        // The simulator adds 200-400 ms to every cross-region call.
        Assert.True(crossRegion.Median - inRegion.Median > 150, $"in-region {inRegion.Median:0} ms, cross-region {crossRegion.Median:0} ms");
    }

    private async Task<(List<string> Ids, double Median, double P10, double P90)> MeasureAsync(string gatewayName)
    {
        using var gateway = fixture.CreateHttpClient(gatewayName);
        var ids = new List<string>();
        var times = new List<double>();
        for (var i = 0; i < Samples + 2; i++)
        {
            var id = $"latency-{gatewayName}-{Guid.NewGuid():N}";
            var clock = Stopwatch.StartNew();
            using var response = await PostAsync(gateway, "light", id, residency: "cn");
            await response.Content.ReadAsByteArrayAsync();
            clock.Stop();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
            ids.Add(MintedId(response));
            if (i >= 2)
            {
                times.Add(clock.Elapsed.TotalMilliseconds); // the first two warm connections up
            }
        }

        times.Sort();
        return (ids, times[times.Count / 2], times[times.Count / 10], times[times.Count * 9 / 10]);
    }
}
