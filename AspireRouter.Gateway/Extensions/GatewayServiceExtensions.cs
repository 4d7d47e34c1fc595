using AspireRouter.Contracts.Hosting;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Admission;
using AspireRouter.Gateway.Apis;
using AspireRouter.Gateway.Auth;
using AspireRouter.Gateway.Breakers;
using AspireRouter.Gateway.Budgets;
using AspireRouter.Gateway.Classification;
using AspireRouter.Gateway.Costs;
using AspireRouter.Gateway.Execution;
using AspireRouter.Gateway.Latency;
using AspireRouter.Gateway.Resilience;
using AspireRouter.Gateway.Routing;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.Gateway.Tokens;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Extensions;

/// <summary>The gateway's wiring: what every feature shares, then each feature's own <c>Add…()</c>, in pipeline order.</summary>
public static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddRegistry();
        builder.Services.AddValidatedOptions<GatewayOptions, GatewayOptionsValidator, GatewayOptionsRulesValidator>(GatewayOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<GenAiMetrics>();

        // The shared Redis accessor: features take Func<IConnectionMultiplexer> and resolve the connection on first use,
        // off start-up and off the request path (connecting can block for its connect timeout). Cost events have a
        // connection of their own, untraced (CostServiceExtensions.StreamConnection).
        builder.AddRedisClient("redis");
        builder.Services.AddSingleton<Func<IConnectionMultiplexer>>(sp => sp.GetRequiredService<IConnectionMultiplexer>);

        builder.AddTokens();
        builder.AddClassification();
        builder.AddLatency();
        builder.AddBreakers();
        builder.AddRetryThrottle();
        builder.AddRouting();
        builder.AddApiKeys();
        builder.AddBudgets();
        builder.AddAdmission();
        builder.AddExecution();
        builder.AddCosts();
        builder.AddApis();
        return builder;
    }
}
