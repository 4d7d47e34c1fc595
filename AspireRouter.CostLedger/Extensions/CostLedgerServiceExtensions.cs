using AspireRouter.Contracts.Budgets;
using AspireRouter.Contracts.Costs;
using AspireRouter.Contracts.Hosting;
using AspireRouter.Contracts.Registry;
using AspireRouter.CostLedger.Access;
using AspireRouter.CostLedger.Budgets;
using AspireRouter.CostLedger.Data;
using AspireRouter.CostLedger.DeadLetters;
using AspireRouter.CostLedger.Ingestion;
using AspireRouter.CostLedger.Keys;
using AspireRouter.CostLedger.Pricing;
using AspireRouter.CostLedger.Reports;
using AspireRouter.CostLedger.Routing;
using AspireRouter.CostLedger.SpendConsole;
using AspireRouter.CostLedger.Telemetry;

namespace AspireRouter.CostLedger.Extensions;

/// <summary>The ledger's wiring: options, Redis, the EF Core context and its migrator, the stream consumer, dead letters, reports, budgets, API keys, the routing state, the console and the OpenAPI document.</summary>
public static class CostLedgerServiceExtensions
{
    public static WebApplicationBuilder AddCostLedgerServices(this WebApplicationBuilder builder)
    {
        builder.AddRegistry();

        builder.Services.AddValidatedOptions<IngestionOptions, IngestionOptionsValidator, IngestionOptionsRulesValidator>(IngestionOptions.SectionName);
        builder.Services.AddValidatedOptions<PartitionOptions, PartitionOptionsValidator>(PartitionOptions.SectionName);
        builder.Services.AddBudgetOptions(); // the one Budgets schema, shared with the gateways
        builder.Services.AddCostBacklogPolicy(); // the stream's backlog policy, shared with the gateways

        builder.AddRedisClient("redis");
        builder.AddNpgsqlDbContext<LedgerDbContext>("ledgerdb");

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LedgerMetrics>();
        builder.Services.AddSingleton<BaselinePricer>();
        builder.Services.AddSingleton<LedgerSchema>();
        builder.Services.AddSingleton<IngestionProgress>();
        builder.Services.AddScoped<CostWriter>();
        builder.Services.AddScoped<IsolatingWriter>();
        builder.Services.AddScoped<SpendQuery>();
        builder.Services.AddScoped<SpendSeriesQuery>();
        builder.Services.AddScoped<BudgetStatusService>();
        builder.Services.AddValidatedOptions<AdminOptions, AdminOptionsValidator>(AdminOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyPublisher>();
        builder.AddRoutingState(); // reads the latency window and breakers the gateways and probe share
        builder.Services.AddHostedService<LedgerMigrator>();
        builder.Services.AddHostedService<LedgerPartitions>();
        builder.Services.AddHostedService<CostStreamConsumer>();
        builder.Services.AddSingleton<IngestionLagMonitor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestionLagMonitor>());
        builder.Services.AddHostedService<BudgetAlertMonitor>();
        builder.Services.AddHostedService<ApiKeySyncService>();

        builder.Services.AddHealthChecks()
            .AddCheck<LedgerSchemaHealthCheck>("ledger-schema")
            .AddCheck<IngestionHealthCheck>("cost-stream-lag");

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, AccessJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, ReportsJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, BudgetsJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, KeysJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, RoutingJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, SpendConsoleJsonContext.Default);
        });
        builder.AddDeadLetters();
        builder.AddApiDocument("AspireRouter cost ledger");
        return builder;
    }
}
