using AspireRouter.CostLedger.Tests.Infrastructure;

namespace AspireRouter.CostLedger.Tests;

/// <summary>The ledger takes the one <c>Budgets</c> schema the gateways take too (<see cref="BudgetSettings"/>).</summary>
[Collection(LedgerCollection.Name)]
public sealed class BudgetSchemaTests(LedgerInfrastructure infrastructure)
{
    public static TheoryData<string, string, string> Invalid
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var (key, value, quoted) in BudgetSettings.Invalid)
            {
                data.Add(key, value, quoted);
            }

            return data;
        }
    }

    [Fact]
    public async Task SharedBudgetsSection_StartsTheLedger()
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, BudgetSettings.Valid);

        var client = harness.StartLedger();

        await LedgerHarness.EventuallyAsync(async () => (await client.GetAsync("/v1/budgets")).IsSuccessStatusCode, "budgets report");
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task BadBudgetsValue_StopsTheLedgerAtStartUp_QuotingIt(string key, string value, string quoted)
    {
        await using var harness = await LedgerHarness.CreateAsync(infrastructure, BudgetSettings.With(key, value));

        var error = Assert.ThrowsAny<Exception>(() => harness.StartLedger());

        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }
}
