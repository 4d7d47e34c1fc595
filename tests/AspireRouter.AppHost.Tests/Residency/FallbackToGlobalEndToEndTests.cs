using System.Net;
using static AspireRouter.AppHost.Tests.Residency.ResidencyCalls;

namespace AspireRouter.AppHost.Tests.Residency;

/// <summary>
/// With the seed's <c>FallbackToGlobal</c> on, non-resident <c>regional-cn</c> traffic leaves cn when every cn endpoint
/// fails, and resident traffic still does not. Runs in the disruptive application: it opens every cn breaker.
/// </summary>
[Collection(DisruptiveAppCollection.Name)]
public sealed class FallbackToGlobalEndToEndTests(AspireRouterAppFixture fixture)
{
    [Fact]
    public async Task FallbackToGlobalOn_NonResidentRegionalCn_FallsBackToGlobal_ResidentFailsClosed()
    {
        using var simulatorCn = fixture.CreateHttpClient("providers-cn");
        using var simulatorGlobal = fixture.CreateHttpClient("providers-global");
        using var gateway = fixture.CreateHttpClient("gateway-cn");
        string fallbackId, residentId;
        await FailEveryModelAsync(simulatorCn);
        try
        {
            using var fallback = await PostAsync(gateway, "regional-cn", $"fallback-{Guid.NewGuid():N}", residency: null);
            fallbackId = MintedId(fallback);
            Assert.Equal(HttpStatusCode.OK, fallback.StatusCode);
            Assert.Equal("global", Header(fallback, "X-AspireRouter-Region"));
            Assert.Equal("true", Header(fallback, "X-AspireRouter-Fallback"));

            using var resident = await PostAsync(gateway, "regional-cn", $"resident-{Guid.NewGuid():N}", residency: "cn");
            residentId = MintedId(resident);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, resident.StatusCode);
            Assert.Equal("residency_unavailable", await ErrorCodeAsync(resident));
        }
        finally
        {
            await RestoreAsync(simulatorCn);
        }

        var global = (await LoggedAsync(simulatorGlobal)).Select(r => r.RequestId).ToList();
        Assert.Contains(fallbackId, global);
        Assert.DoesNotContain(residentId, global);
    }
}
