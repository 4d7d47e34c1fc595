namespace AspireRouter.AppHost.Tests;

/// <summary>
/// The AppHost passes its one <c>Budgets</c> section to both gateways and the ledger (the application model only:
/// nothing is started).
/// </summary>
public sealed class BudgetsConfigurationTests
{
    [Fact]
    public async Task AppHostBudgetsSection_ReachesBothGatewaysAndTheLedger()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireRouter_AppHost>(
        [
            "--Infrastructure:Mode=executables",
            "--Budgets:Teams:search:DailyUsd=50",
            "--Budgets:Teams:search:AlertThresholds:0=80",
            "--Budgets:FailOpen=false",
        ]);

        await using var app = await builder.BuildAsync();
        var publish = new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = app.Services });

        foreach (var name in (string[])["gateway-global", "gateway-cn", "cost-ledger"])
        {
            var project = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == name);
            // Publish mode: references (Redis, the ledger database) stay expressions, nothing needs to be running.
            var configuration = await ExecutionConfigurationBuilder.Create(project).WithEnvironmentVariablesConfig()
                .BuildAsync(publish, resourceLogger: null, CancellationToken.None);
            Assert.Null(configuration.Exception);
            var environment = configuration.EnvironmentVariables.ToDictionary(e => e.Key, e => (string?)e.Value);

            Assert.Contains("ASPNETCORE_ENVIRONMENT", environment.Keys); // what the AppHost always sets: the model was read
            Assert.Equal("50", environment.GetValueOrDefault("Budgets__Teams__search__DailyUsd"));
            Assert.Equal("80", environment.GetValueOrDefault("Budgets__Teams__search__AlertThresholds__0"));
            Assert.Equal("false", environment.GetValueOrDefault("Budgets__FailOpen"));
        }
    }
}
