using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;
using AspireRouter.Gateway.Costs;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>Cost events into a real Redis stream, and through a Redis outage via the spool.</summary>
[Collection(RedisCollection.Name)]
public sealed class CostRedisTests(RedisServerFixture redis)
{
    private static GatewayFactory Gateway(string connectionString) => new(new Dictionary<string, string>
    {
        ["ConnectionStrings:redis"] = connectionString,
        ["Costs:ReplayInterval"] = "00:00:00.100",
        ["Costs:RedisTimeout"] = "00:00:01",
        ["Registry:Categories:light:Timeout"] = "00:00:10", // breakers wait on a dead Redis up to their timeout per call
    });

    private static async Task<string> PostAsync(HttpClient client, bool stream, string team = "search")
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"light","stream":{{(stream ? "true" : "false")}},"user":"u1","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("X-AspireRouter-Team", team);
        message.Headers.Add("X-AspireRouter-Feature", "chat");
        var response = await client.SendAsync(message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();
        return response.Headers.GetValues("X-AspireRouter-Request-Id").Single();
    }

    /// <summary>Waits until the stream holds at least <paramref name="count"/> events; returns them all.</summary>
    private static async Task<List<RequestCostRecorded>> StreamAsync(IDatabase database, int count)
    {
        var entries = await Eventually.ValueAsync(() => database.StreamRangeAsync(CostStream.Name), e => e.Length >= count,
            $"{count} events in the stream", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(25));
        return [.. entries.Select(e => JsonSerializer.Deserialize((string)e[CostStream.EventField]!, CostJsonContext.Default.RequestCostRecorded)!)];
    }

    /// <summary>Leaves a replay file holding <paramref name="e"/> in the spool, as a crash would (written aside, then moved in).</summary>
    private static void SpoolForReplay(string directory, RequestCostRecorded e)
    {
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, "marker.tmp");
        File.WriteAllText(temporary, JsonSerializer.Serialize(e, CostJsonContext.Default.RequestCostRecorded) + "\n");
        File.Move(temporary, Path.Combine(directory, $"replay-{DateTime.UtcNow.Ticks:D20}.jsonl"));
    }

    [Fact]
    public async Task Events_ArriveInTheStream_WithAttribution()
    {
        var db = redis.Server.NextDatabase();
        await using var factory = Gateway(redis.Server.ConnectionString(db));
        var client = factory.CreateClient();
        await using var connection = await redis.Server.ConnectAsync(db);

        var ids = new[] { await PostAsync(client, stream: false), await PostAsync(client, stream: true), await PostAsync(client, stream: false) };

        var events = await StreamAsync(connection.GetDatabase(), 3);
        Assert.Equal(ids.Order(), events.Select(e => e.RequestId).Order());
        Assert.All(events, e => Assert.Equal(("search", "u1", "chat", "light", "qwen-3-8b", "success"), (e.Team, e.User, e.Feature, e.Category, e.Model, e.Outcome)));
        Assert.Equal(1, events.Count(e => e.Streamed));
        Assert.Empty(CostTestKit.ReadSpool(factory.SpoolDirectory));
    }

    [Fact]
    public async Task RedisDown_EventsAreSpooled_AndReplayedWhenItReturns_NoneLostNoneDuplicated()
    {
        await using var server = await RedisServer.StartAsync();
        await using var factory = Gateway(server.ConnectionString(0));
        var client = factory.CreateClient();

        var before = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            before.Add(await PostAsync(client, stream: i == 1));
        }

        await using (var first = await server.ConnectAsync(0))
        {
            Assert.Equal(3, (await StreamAsync(first.GetDatabase(), 3)).Count);
        }

        await server.StopAsync();
        var during = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            during.Add(await PostAsync(client, stream: i % 2 == 0));
        }

        var spooled = await CostTestKit.SpooledAsync(factory.SpoolDirectory, 5);
        Assert.Equal(during.Order(), spooled.Select(e => e.RequestId).Order());

        await server.RestartAsync(); // an empty Redis on the same port: only the spooled events and later ones can appear
        await using var connection = await server.ConnectAsync(0);
        var replayed = await StreamAsync(connection.GetDatabase(), 5);
        Assert.Equal(during.Order(), replayed.Select(e => e.RequestId).Order());

        var after = await PostAsync(client, stream: false);
        var all = await StreamAsync(connection.GetDatabase(), 6);
        Assert.Equal(during.Append(after).Order(), all.Select(e => e.RequestId).Order());
        Assert.Empty(CostTestKit.ReadSpool(factory.SpoolDirectory));

        // A later replay: once it is in the stream, a second replay of the outage's events, if there were one, is there too.
        var marker = all[0] with { RequestId = "replay-marker" };
        SpoolForReplay(factory.Services.GetRequiredService<CostSpool>().Directory, marker);
        var final = await StreamAsync(connection.GetDatabase(), 7);
        Assert.Equal(during.Append(after).Append(marker.RequestId).Order(), final.Select(e => e.RequestId).Order());
    }
}
