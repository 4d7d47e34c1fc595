using AspireRouter.CostLedger.Reports;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace AspireRouter.CostLedger.Tests.Extensions;

[Collection(LedgerCollection.Name)]
public sealed class OptionsAndFormatTests(LedgerInfrastructure infrastructure)
{
    [Theory]
    [InlineData("Ingestion:RetryMinDelay", "00:01:00", "RetryMinDelay (00:01:00)")]
    [InlineData("Ingestion:BatchSize", "0", "BatchSize")]
    [InlineData("Budgets:Teams:alpha:DailyUsd", "-5", "Budgets:Teams:alpha:DailyUsd must be a positive USD amount (leave it out for no limit); got -5.")]
    [InlineData("Budgets:Teams:alpha:AlertThresholds:0", "0", "Budgets:Teams:alpha:AlertThresholds has 0: thresholds are whole percents")]
    [InlineData("DeadLetters:MaxLength", "0", "MaxLength")]
    [InlineData("DeadLetters:Retention", "00:00:00", "Retention")]
    [InlineData("Ingestion:PendingUnhealthyAfter", "00:00:00", "PendingUnhealthyAfter")]
    [InlineData("Ingestion:StalledUnhealthyAfter", "2.00:00:00", "StalledUnhealthyAfter")]
    public async Task Startup_InvalidOptions_FailsWithTheValueQuoted(string key, string value, string expected)
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, new Dictionary<string, string> { [key] = value });
        var error = Assert.IsAssignableFrom<OptionsValidationException>(StartupFailure.Of(() => harness.CreateReplica(), ledger => ledger.CreateClient()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alpha", "alpha")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"")]
    [InlineData("+1", "'+1")]
    public void Csv_Escape_QuotesAndDefusesFormulas(string value, string expected) =>
        Assert.Equal(expected, Csv.Escape(value));
}
