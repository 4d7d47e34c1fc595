using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// Random attribution (control characters, surrogates, separators, extreme lengths) through the gateway: every answer
/// is a 200 whose event the ledger accepts, carrying the values exactly as sent, or a 4xx naming the field. Never a 5xx,
/// never an event the ledger would refuse.
/// </summary>
public sealed class AttributionFuzzTests : IDisposable
{
    private const int Requests = 150;
    private static readonly string[] Pieces = ["a", "Z", "9", "-", "_", ".", ":", "/", "é", "李", "😀", " ", ",", "\"", "\\", "\u0000", "\u0007", "\t", "\n", "\u007f", "\u0085", "\u200b", "\ufffd"];

    private readonly GatewayFactory _factory = new(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:10" });

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_factory.SpoolDirectory))
        {
            Directory.Delete(_factory.SpoolDirectory, recursive: true);
        }
    }

    /// <summary>A tame value (plain identifier characters, 1-60 long: it must get through) or a wild one.</summary>
    private static string RandomValue(Random random, bool tame)
    {
        var length = tame ? random.Next(1, 61) : random.Next(4) switch { 0 => random.Next(1, 4), 1 => random.Next(4, 40), 2 => random.Next(60, 70), _ => random.Next(120, 300) };
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(tame ? Pieces[random.Next(4)] : Pieces[random.Next(Pieces.Length)]);
        }

        return text.ToString();
    }

    [Fact]
    public async Task RandomAttribution_IsRefusedNamingTheField_OrRecordedExactly_AndEveryEventPassesTheLedgersValidation()
    {
        var random = new Random(15);
        var client = _factory.CreateClient();
        var accepted = new Dictionary<string, (string Model, string User, string? Team, string? Feature, string CorrelationId)>();
        for (var i = 0; i < Requests; i++)
        {
            // Half the requests are tame except for at most one wild field; the other half are wild throughout.
            var wild = random.Next(2) == 0 ? -1 : random.Next(6);
            string Value(int field) => RandomValue(random, tame: wild >= 0 && wild != field && random.Next(6) > 0);
            var (model, user, team, feature, correlation) = (Value(0), Value(1), random.Next(2) == 0 ? Value(2) : null,
                random.Next(2) == 0 ? Value(3) : null, Value(4));
            using var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent($$"""{"model":{{JsonSerializer.Serialize(model)}},"user":{{JsonSerializer.Serialize(user)}},"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            message.Headers.TryAddWithoutValidation("X-AspireRouter-Category", "light");
            message.Headers.TryAddWithoutValidation("X-Request-Id", correlation);
            if (team is not null)
            {
                message.Headers.TryAddWithoutValidation("X-AspireRouter-Team", team);
            }

            if (feature is not null)
            {
                message.Headers.TryAddWithoutValidation("X-AspireRouter-Feature", feature);
            }

            using var response = await client.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                accepted[response.Headers.GetValues("X-AspireRouter-Request-Id").Single()] = (model, user, team, feature, correlation);
                continue;
            }

            using var json = JsonDocument.Parse(body);
            var param = json.RootElement.GetProperty("error").GetProperty("param").GetString();
            var broken = param switch
            {
                "model" => CostFields.RequestedModel.Check(model, required: true),
                "user" => CostFields.User.Check(user),
                "X-AspireRouter-Team" => CostFields.Team.Check(team),
                "X-AspireRouter-Feature" => CostFields.Feature.Check(feature),
                "X-Request-Id" => CostFields.CorrelationId.Check(correlation),
                _ => null,
            };
            Assert.True(broken is not null, $"{(int)response.StatusCode} naming '{param}', which fits the contract: {body}");
        }

        Assert.InRange(accepted.Count, 10, Requests - 10);
        var events = await CostTestKit.SpooledAsync(_factory.SpoolDirectory, accepted.Count);
        Assert.Equal(accepted.Keys.Order(), events.Select(e => e.RequestId).Order());
        foreach (var e in events)
        {
            Assert.Null(CostFields.Validate(e));
            var sent = accepted[e.RequestId];
            Assert.Equal((sent.Model, sent.User, sent.Team ?? "default", sent.Feature, sent.CorrelationId), (e.RequestedModel, e.User, e.Team, e.Feature, e.CorrelationId));
        }
    }
}
