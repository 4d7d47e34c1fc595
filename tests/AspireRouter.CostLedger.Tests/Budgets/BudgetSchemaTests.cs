using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests.Budgets;

/// <summary>The ledger takes the one <c>Budgets</c> schema the gateways take too (<see cref="BudgetSettings"/>).</summary>
[Collection(LedgerCollection.Name)]
public sealed class BudgetSchemaTests(LedgerInfrastructure infrastructure)
{
    [Fact]
    public async Task SharedBudgetsSection_StartsTheLedger()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, BudgetSettings.Valid);

        var client = harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () => (await client.GetAsync("/v1/budgets")).IsSuccessStatusCode, "budgets report");
    }

    [Theory]
    [MemberData(nameof(BudgetSettings.InvalidRows), MemberType = typeof(BudgetSettings))]
    public async Task BadBudgetsValue_StopsTheLedgerAtStartUp_QuotingIt(string key, string value, string quoted)
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, BudgetSettings.With(key, value));

        var error = StartupFailure.Of(() => harness.CreateReplica(), ledger => ledger.CreateClient());

        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }
}
