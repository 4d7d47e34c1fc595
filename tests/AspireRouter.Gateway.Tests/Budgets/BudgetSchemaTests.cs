namespace AspireRouter.Gateway.Tests.Budgets;

/// <summary>The gateway takes the one <c>Budgets</c> schema the ledger takes too (<see cref="BudgetSettings"/>).</summary>
public sealed class BudgetSchemaTests
{
    [Fact]
    public async Task SharedBudgetsSection_StartsTheGateway()
    {
        await using var factory = new GatewayFactory(BudgetSettings.Valid);

        using var response = await factory.CreateClient().GetAsync("/v1/models");

        Assert.True(response.IsSuccessStatusCode);
    }

    [Theory]
    [MemberData(nameof(BudgetSettings.InvalidRows), MemberType = typeof(BudgetSettings))]
    public void BadBudgetsValue_StopsTheGatewayAtStartUp_QuotingIt(string key, string value, string quoted)
    {
        var error = StartupFailure.Of(() => new GatewayFactory(BudgetSettings.With(key, value)), factory => factory.CreateClient());

        Assert.Contains(quoted, error.Message, StringComparison.Ordinal);
    }
}
