using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Costs;

namespace AspireRouter.Gateway.Tests.Costs;

/// <summary>
/// The field contract at the gateway's edge: attribution and the requested model either fit what the ledger stores, or
/// the request is a 400 naming the field. No request can produce an event the ledger would refuse.
/// </summary>
public sealed class AttributionContractTests : IDisposable
{
    private readonly GatewayFactory _factory = new(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:10" });
    private readonly HttpClient _client;

    public AttributionContractTests() => _client = _factory.CreateClient();

    public void Dispose()
    {
        _factory.Dispose();
        if (Directory.Exists(_factory.SpoolDirectory))
        {
            Directory.Delete(_factory.SpoolDirectory, recursive: true);
        }
    }

    private Task<HttpResponseMessage> PostAsync(string model, string? user, params (string Name, string Value)[] headers)
    {
        var userField = user is null ? "" : $",\"user\":{JsonSerializer.Serialize(user)}";
        var message = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":{{JsonSerializer.Serialize(model)}},"messages":[{"role":"user","content":"hello"}]{{userField}}}""", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return _client.SendAsync(message);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string param, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(("invalid_request_error", param, code),
            (error.GetProperty("type").GetString(), error.GetProperty("param").GetString(), error.GetProperty("code").GetString()));
    }

    public static TheoryData<string, string> BadUsers => new()
    {
        { "evil\u0000user", "NUL" },
        { "bell\u0007", "C0 control" },
        { "next\u0085line", "C1 control" },
        { "line\nbreak", "newline" },
        { new string('u', CostFields.UserMaxLength + 1), "one character too long" },
    };

    [Theory]
    [MemberData(nameof(BadUsers))]
    public async Task BodyUser_BreakingTheContract_Is400NamingUser(string user, string why)
    {
        using var response = await PostAsync("light", user);

        await AssertRefusedAsync(response, "user", "invalid_user");
        Assert.True(_factory.Stub.Requests.IsEmpty, why);
    }

    [Fact]
    public async Task HeaderUser_BreakingTheContract_Is400NamingTheHeader()
    {
        using var response = await PostAsync("light", null, ("X-AspireRouter-User", "bell\u0007"));

        await AssertRefusedAsync(response, "X-AspireRouter-User", "invalid_user");
    }

    [Fact]
    public async Task LongestUserAndNonAsciiUser_AreKeptWhole()
    {
        var longest = new string('u', CostFields.UserMaxLength);
        using var first = await PostAsync("light", longest);
        using var second = await PostAsync("light", "José 👩‍💻 李");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var users = (await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 2)).Select(e => e.User).ToList();
        Assert.Contains(longest, users);
        Assert.Contains("José 👩‍💻 李", users);
    }

    [Theory]
    [InlineData("light\u0000x", "NUL")]
    [InlineData("light\tx", "tab")]
    [InlineData("mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm", "129 characters")]
    public async Task Model_BreakingTheContract_WithACategoryHeader_Is400NamingModel(string model, string why)
    {
        // With the category header the model is never looked up: only the contract stands between it and the ledger.
        using var response = await PostAsync(model, null, ("X-AspireRouter-Category", "light"));

        await AssertRefusedAsync(response, "model", "invalid_model");
        Assert.True(_factory.Stub.Requests.IsEmpty, why);
    }

    [Fact]
    public async Task AnyModelThatFitsTheContract_WithACategoryHeader_IsRecordedAsSent()
    {
        using var response = await PostAsync("my-app/gpt-4o (fallback)", null, ("X-AspireRouter-Category", "light"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = Assert.Single(await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 1));
        Assert.Equal("my-app/gpt-4o (fallback)", e.RequestedModel);
        Assert.Null(CostFields.Validate(e));
    }

    [Theory]
    [InlineData("X-AspireRouter-Team", "bad team!", "invalid_team")]
    [InlineData("X-AspireRouter-Team", "t\u0000", "invalid_team")]
    [InlineData("X-AspireRouter-Feature", "a/b", "invalid_feature")]
    [InlineData("X-AspireRouter-Feature", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff1", "invalid_feature")]
    public async Task TeamOrFeature_BreakingTheContract_Is400NamingTheHeader(string header, string value, string code)
    {
        using var response = await PostAsync("light", null, (header, value));

        await AssertRefusedAsync(response, header, code);
    }

    [Fact]
    public async Task EveryEventTheGatewayEmits_PassesTheLedgersValidation()
    {
        using var a = await PostAsync("light", "user-1", ("X-AspireRouter-Team", "search"), ("X-AspireRouter-Feature", "auto.complete_v2"), ("X-Request-Id", "trace:1"));
        using var b = await PostAsync("glm-5", null, ("X-AspireRouter-User", "header-user"));
        using var c = await PostAsync("auto", "x");

        var events = await CostTestKit.SpooledAsync(_factory.SpoolDirectory, 3);
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Null(CostFields.Validate(e)));
    }
}
