using System.Net;
using static AspireRouter.AppHost.Tests.Residency.ResidencyCalls;

namespace AspireRouter.AppHost.Tests.Residency;

/// <summary>
/// Every cn endpoint down on the real cn simulator: CN-resident requests fail closed through both gateways and none
/// reaches the global simulator; with <c>FallbackToGlobal</c> off, neither does non-resident <c>regional-cn</c> traffic.
/// </summary>
[Collection(CnOnlyAppCollection.Name)]
public sealed class CnOnlyResidencyEndToEndTests(CnOnlyAppFixture fixture)
{
    [Fact]
    public async Task EveryCnEndpointFailing_ResidentRequestsThroughBothGateways_FailClosed_AndNeverReachGlobal()
    {
        using var simulatorCn = fixture.CreateHttpClient("providers-cn");
        using var simulatorGlobal = fixture.CreateHttpClient("providers-global");
        await FailEveryModelAsync(simulatorCn);
        var sent = new List<(string Id, string Gateway)>();
        try
        {
            // Model by model through both gateways, so each gateway reaches cn before the shared breakers open.
            foreach (var (model, stream) in new[] { ("regional-cn", false), ("light", false), ("general", true), ("glm-5", false) })
            {
                foreach (var gatewayName in new[] { "gateway-cn", "gateway-global" })
                {
                    using var gateway = fixture.CreateHttpClient(gatewayName);
                    var id = $"resident-{gatewayName}-{model}-{Guid.NewGuid():N}";
                    using var response = await PostAsync(gateway, model, id, residency: "cn", stream);
                    sent.Add((MintedId(response), gatewayName));

                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("residency_unavailable", await ErrorCodeAsync(response));
                    Assert.Equal("cn", Header(response, ResidencyHeader));
                }
            }
        }
        finally
        {
            await RestoreAsync(simulatorCn);
        }

        var global = await LoggedAsync(simulatorGlobal);
        Assert.Empty(global.Select(r => r.RequestId).Intersect(sent.Select(s => s.Id)));

        // They did try cn (until its breakers opened): gateway-cn in-region, gateway-global over the cross-region path.
        var cn = await LoggedAsync(simulatorCn);
        var reachedCn = cn.Join(sent, r => r.RequestId, s => s.Id, (r, s) => (s.Gateway, r.CrossRegion)).ToList();
        Assert.Contains(("gateway-cn", false), reachedCn);
        Assert.Contains(("gateway-global", true), reachedCn);
    }

    [Fact]
    public async Task FallbackToGlobalOff_NonResidentRegionalCn_WithEveryCnEndpointFailing_DoesNotLeaveCn()
    {
        using var simulatorCn = fixture.CreateHttpClient("providers-cn");
        using var simulatorGlobal = fixture.CreateHttpClient("providers-global");
        await FailEveryModelAsync(simulatorCn);
        var sent = new List<string>();
        try
        {
            foreach (var gatewayName in new[] { "gateway-cn", "gateway-global" })
            {
                using var gateway = fixture.CreateHttpClient(gatewayName);
                var id = $"cn-only-{gatewayName}-{Guid.NewGuid():N}";
                using var response = await PostAsync(gateway, "regional-cn", id, residency: null);
                sent.Add(MintedId(response));

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("upstream_unavailable", await ErrorCodeAsync(response));
            }
        }
        finally
        {
            await RestoreAsync(simulatorCn);
        }

        var global = await LoggedAsync(simulatorGlobal);
        Assert.Empty(global.Select(r => r.RequestId).Intersect(sent));
    }
}
