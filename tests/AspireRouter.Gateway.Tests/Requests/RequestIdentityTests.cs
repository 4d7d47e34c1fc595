using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Redis;
using AspireRouter.Gateway.Requests;
using AspireRouter.Gateway.Tests.Costs;

namespace AspireRouter.Gateway.Tests.Requests;

/// <summary>
/// Every request has a gateway-minted id (the ledger's and the budget's key, sent upstream); the client's
/// <c>X-Request-Id</c> is only a correlation id, echoed and stored, never trusted to be unique.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RequestIdentityTests(RedisServerFixture redis)
{
    private const string Minted = "X-AspireRouter-Request-Id";

    private static HttpRequestMessage Chat(string? clientId, string team = "ids")
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("X-AspireRouter-Team", team);
        if (clientId is not null)
        {
            message.Headers.TryAddWithoutValidation("X-Request-Id", clientId);
        }

        return message;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static void AssertMintedId(string id)
    {
        // req_ + a UUIDv7 in "N" form: its version nibble is 7.
        Assert.Matches("^req_[0-9a-f]{32}$", id);
        Assert.Equal(7, Guid.ParseExact(id[4..], "N").Version);
    }

    [Fact]
    public void MintedIds_AreUuidV7_Unique_AndTimeOrdered_AcrossThreads()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 25_000; i++)
            {
                ids.Add(RequestIds.Mint());
            }
        });

        Assert.Equal(200_000, ids.Distinct().Count());
        Assert.All(ids.Take(1_000), AssertMintedId);
        var guids = ids.Select(id => Guid.ParseExact(id[4..], "N")).ToList();
        Assert.All(guids.Take(1_000), g => Assert.InRange(g.Variant, 8, 11)); // the RFC 9562 variant: 10xx

        var earlier = RequestIds.Mint(DateTimeOffset.FromUnixTimeMilliseconds(1_764_900_000_000));
        var later = RequestIds.Mint(DateTimeOffset.FromUnixTimeMilliseconds(1_764_900_000_001));
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.StartsWith("req_019aec3cd100", earlier); // the milliseconds, big-endian, first
    }

    [Fact]
    public async Task FiveRequestsWithOneClientId_GetFiveMintedIds_FiveEvents_AndUpstreamSeesTheMintedIds()
    {
        using var factory = new GatewayFactory();
        var client = factory.CreateClient();

        var minted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.SendAsync(Chat("client-abc-123"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("client-abc-123", Header(response, "X-Request-Id"));
            minted.Add(Header(response, Minted));
        }

        Assert.All(minted, AssertMintedId);
        Assert.Equal(5, minted.Distinct().Count());
        Assert.Equal(minted, factory.Stub.Requests.Select(r => r.RequestId!));
        var events = await CostTestKit.SpooledAsync(factory.SpoolDirectory, 5);
        Assert.Equal(minted.Order(), events.Select(e => e.RequestId).Order());
        Assert.All(events, e => Assert.Equal("client-abc-123", e.CorrelationId));
    }

    [Fact]
    public async Task NoClientId_XRequestIdIsTheMintedId_AndTheEventHasNoCorrelationId()
    {
        using var factory = new GatewayFactory();
        using var response = await factory.CreateClient().SendAsync(Chat(clientId: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertMintedId(Header(response, Minted));
        Assert.Equal(Header(response, Minted), Header(response, "X-Request-Id"));
        var e = Assert.Single(await CostTestKit.SpooledAsync(factory.SpoolDirectory, 1));
        Assert.Equal(Header(response, Minted), e.RequestId);
        Assert.Null(e.CorrelationId);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("quote\"d")]
    [InlineData("tab\tinside")]
    [InlineData("non-ascii-é")]
    [InlineData("a,b")]
    public async Task ClientIdBreakingTheContract_Is400NamingTheHeader_WithTheMintedIdEchoed(string clientId)
    {
        using var factory = new GatewayFactory();
        using var response = await factory.CreateClient().SendAsync(Chat(clientId));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(("invalid_request_error", "X-Request-Id", "invalid_request_id"),
            (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
        AssertMintedId(Header(response, Minted));
        Assert.Equal(Header(response, Minted), Header(response, "X-Request-Id"));
        Assert.Empty(factory.Stub.Requests);
    }

    [Fact]
    public async Task ClientIdOf129Characters_Is400_Of128IsKept()
    {
        using var factory = new GatewayFactory();
        var client = factory.CreateClient();

        using var tooLong = await client.SendAsync(Chat(new string('a', 129)));
        using var longest = await client.SendAsync(Chat(new string('b', 128)));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
        Assert.Equal(new string('b', 128), Header(longest, "X-Request-Id"));
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneClientId_EachHoldItsOwnBudgetReservation()
    {
        var db = redis.Server.NextDatabase();
        using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["ConnectionStrings:redis"] = redis.Server.ConnectionString(db),
            ["Budgets:Teams:shared-id:DailyUsd"] = "100",
            ["Budgets:RedisTimeout"] = "00:00:05",
            ["Registry:Categories:light:Timeout"] = "00:00:30",
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Stub.On("qwen-3-8b", async (_, token) =>
        {
            await release.Task.WaitAsync(token);
            return CostTestKit.Completion("qwen-3-8b", 10, 10);
        });
        var client = factory.CreateClient();

        var inFlight = Enumerable.Range(0, 3).Select(_ => client.SendAsync(Chat("same-id", team: "shared-id"))).ToList();
        await using var connection = await redis.Server.ConnectAsync(db);
        var budget = RedisKeys.BudgetDay("shared-id", DateOnly.FromDateTime(DateTime.UtcNow));
        string[] reservations = [];
        try
        {
            reservations = await Eventually.ValueAsync(async () => (await connection.GetDatabase().HashKeysAsync(budget)).Select(k => k.ToString())
                    .Where(k => k.StartsWith(BudgetFields.ReservationPrefix, StringComparison.Ordinal)).ToArray(),
                r => r.Length >= 3, "three reservations in flight", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20));
        }
        finally
        {
            release.SetResult();
        }

        var responses = await Task.WhenAll(inFlight);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Three reservations in flight at once: one client id never makes requests share (or overwrite) a reservation.
        Assert.Equal(3, reservations.Distinct().Count());
        Assert.Equal(3, responses.Select(r => Header(r, Minted)).Distinct().Count());
    }
}
