using System.Net;
using System.Net.Http.Headers;
using AspireRouter.Cli;
using AspireRouter.Cli.Keys;
using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Keys;

/// <summary>
/// A fresh deployment's first key: <c>aspire-router keys create</c> with the admin key (from the environment) against a
/// real ledger prints the secret once, and that secret is a working key of its team.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class FirstKeyBootstrapTests(LedgerInfrastructure infrastructure)
{
    private const string AdminKey = "bootstrap-admin-key-0123456789";

    [Fact]
    public async Task KeysCreate_WithTheAdminKey_PrintsTheSecretOnce_AndTheKeyWorks()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string>
        {
            ["Admin:Key"] = AdminKey,
            ["Admin:AllowAnonymousReports"] = "false",
        });
        var ledger = harness.StartLedger();
        var (output, error) = (new StringWriter(), new StringWriter());

        var exitCode = await CliApp.RunAsync(
            ["keys", "create", "--ledger", ledger.BaseAddress!.ToString(), "--team", "platform", "--name", "first key",
             "--categories", "light,general", "--rpm", "600", "--daily-usd", "25"],
            ledger, output, error, name => name == KeysCreateCommand.AdminKeyVariable ? AdminKey : null);

        Assert.True(exitCode == 0, error.ToString());
        var secret = Assert.Single(output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("for team 'platform'", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);

        // The new key is the platform team's: it reads its own spend.
        using var spend = new HttpRequestMessage(HttpMethod.Get, "/v1/spend?groupBy=team");
        spend.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using var response = await ledger.SendAsync(spend);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task KeysCreate_WithAWrongAdminKey_IsRefused_AndPrintsNoSecret()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string> { ["Admin:Key"] = AdminKey });
        var ledger = harness.StartLedger();
        var (output, error) = (new StringWriter(), new StringWriter());

        var exitCode = await CliApp.RunAsync(
            ["keys", "create", "--ledger", ledger.BaseAddress!.ToString(), "--admin-key", "wrong", "--team", "platform", "--name", "x"],
            ledger, output, error, _ => null);

        Assert.Equal(1, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("401", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysCreate_WithoutTheLedgerOrAKnownOption_IsAUsageError()
    {
        using var http = new HttpClient();
        var error = new StringWriter();

        Assert.Equal(2, await CliApp.RunAsync(["keys", "create", "--team", "x"], http, TextWriter.Null, error, _ => "admin"));
        Assert.Equal(2, await CliApp.RunAsync(["keys", "create", "--ledger", "http://l", "--teem", "x"], http, TextWriter.Null, error, _ => "admin"));
        Assert.Equal(2, await CliApp.RunAsync(["keys", "list"], http, TextWriter.Null, error, _ => "admin"));
        Assert.Contains("--teem", error.ToString(), StringComparison.Ordinal);
    }
}
