using AspireRouter.Contracts.Budgets;
using AspireRouter.Contracts.Latency;
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
using AspireRouter.Gateway.Routing.Policies;
using AspireRouter.Gateway.Telemetry;
using AspireRouter.Gateway.Tokens;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Extensions;

/// <summary>The gateway's wiring: options, registry, <c>auto</c> classifier, circuit breakers, provider HTTP client, routing and execution.</summary>
public static class GatewayServiceExtensions
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddRegistry();

        builder.Services.AddOptionsWithValidateOnStart<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsRulesValidator>();
        builder.Services.AddOptionsWithValidateOnStart<ClassifierOptions>()
            .BindConfiguration(ClassifierOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<ClassifierOptions>, ClassifierOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<ClassifierOptions>, ClassifierOptionsRulesValidator>();

        builder.Services.AddOptionsWithValidateOnStart<TokenEstimationOptions>()
            .BindConfiguration(TokenEstimationOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<TokenEstimationOptions>, TokenEstimationOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<TokenEstimationOptions>, TokenEstimationFactorsValidator>();
        builder.Services.AddSingleton<TokenEstimator>();

        builder.Services.AddOptionsWithValidateOnStart<LatencyOptions>()
            .BindConfiguration(LatencyOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<LatencyOptions>, LatencyOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<LatencyOptions>, LatencyRefreshValidator>();
        builder.AddLatencyWindow();
        builder.AddSharedLatency();

        builder.Services.AddSingleton<IRoutingPolicy, OrderedPolicy>();
        builder.Services.AddSingleton<IRoutingPolicy, CheapestWithinSloPolicy>();
        builder.Services.AddSingleton<IRoutingPolicy, FastestPolicy>();
        builder.Services.AddSingleton<RoutingPolicyRegistry>();
        builder.Services.AddSingleton<CandidatePlanner>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<IPromptClassifier, RuleBasedClassifier>();
        builder.Services.AddSingleton<AttemptRunner>();
        builder.Services.AddSingleton<HedgeBudget>();
        builder.Services.AddOptionsWithValidateOnStart<RetryThrottleOptions>()
            .BindConfiguration(RetryThrottleOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<RetryThrottleOptions>, RetryThrottleOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<RetryThrottleOptions>, RetryThrottleOptionsRulesValidator>();
        builder.Services.AddSingleton<RetryThrottle>();
        builder.Services.AddSingleton<ChatExecutor>();
        builder.Services.AddSingleton<RequestAdmission>();
        builder.Services.AddSingleton<ChatResponder>();
        builder.Services.AddSingleton<CostRecorder>();
        builder.Services.AddSingleton<ChatPipeline>();
        builder.Services.AddSingleton<BudgetMetrics>();
        builder.AddCircuitBreakers();
        builder.AddCosts();
        builder.AddApiKeys();

        ProviderClients.Register(builder.Services);

        builder.AddRedisClient("redis");

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, GatewayJsonContext.Default));
        return builder;
    }

    /// <summary>
    /// Live latency: this gateway's samples are batched in memory and flushed to the shared Redis summaries in the
    /// background, which are read back into the snapshot routing uses; the local tracker is the fallback without Redis.
    /// </summary>
    private static void AddSharedLatency(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LocalLatencyTracker>();
        builder.Services.AddSingleton<LatencySampleBatch>();
        builder.Services.AddSingleton(sp => new LatencySummaryStore(
            () => sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase(),
            sp.GetRequiredService<LatencyWindow>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<SharedLatencyView>();
        builder.Services.AddSingleton<ILatencyView>(sp => sp.GetRequiredService<SharedLatencyView>());
        builder.Services.AddSingleton<LatencyGauges>();
        builder.Services.AddHostedService<SharedLatencyService>();
    }

    /// <summary>Breakers per (model, region), shared through the <c>redis</c> connection and synced in the background.</summary>
    private static void AddCircuitBreakers(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<CircuitBreakerOptions>()
            .BindConfiguration(CircuitBreakerOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<CircuitBreakerOptions>, CircuitBreakerOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<CircuitBreakerOptions>, CircuitBreakerOptionsRulesValidator>();
        builder.Services.AddSingleton<BreakerMetrics>();
        // The connection is resolved by the first sync, off the request path: connecting can block for its timeout.
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CircuitBreakers>(
            sp, new Func<IConnectionMultiplexer>(sp.GetRequiredService<IConnectionMultiplexer>)));
        builder.Services.AddSingleton<ICircuitBreakers>(sp => sp.GetRequiredService<CircuitBreakers>());
        builder.Services.AddHostedService<BreakerSyncService>();
    }

    /// <summary>Cost accounting, cost events (queue, Redis stream emitter, local spool) and team budgets.</summary>
    private static void AddCosts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<CostOptions>()
            .BindConfiguration(CostOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<CostOptions>, CostOptionsValidator>();
        builder.Services.AddSingleton<IValidateOptions<CostOptions>, CostOptionsRulesValidator>();
        builder.Services.AddSingleton<CostMetrics>();
        builder.Services.AddSingleton<CostAccountant>();
        builder.Services.AddSingleton<CostLoss>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<CostSpool>(sp, Path.Combine(
            Path.GetFullPath(sp.GetRequiredService<IOptions<CostOptions>>().Value.SpoolDirectory, sp.GetRequiredService<IHostEnvironment>().ContentRootPath),
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Region)));
        // The spooler is registered before the emitter, so it stops after it and writes what the emitter hands over last.
        builder.Services.AddSingleton<CostSpooler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CostSpooler>());
        builder.Services.AddSingleton<CostEmitter>();
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<CostEmitterService>(
            sp, new Func<IConnectionMultiplexer>(sp.GetRequiredService<IConnectionMultiplexer>)));
        builder.Services.AddHealthChecks().AddCheck<CostEventsHealthCheck>("cost-events");

        builder.Services.AddBudgetOptions(); // the one Budgets schema, shared with the ledger
        builder.Services.AddSingleton<BudgetAlertPublisher>();
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<BudgetGuard>(
            sp, new Func<IConnectionMultiplexer>(sp.GetRequiredService<IConnectionMultiplexer>)));
        builder.Services.AddHostedService<BudgetWarmUpService>();
    }

    /// <summary>Virtual keys (a Redis-fed cache, refreshed in the background) and per-key rate limits.</summary>
    private static void AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptionsWithValidateOnStart<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.SectionName);
        builder.Services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        var connect = (IServiceProvider sp) => new Func<IConnectionMultiplexer>(sp.GetRequiredService<IConnectionMultiplexer>);
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ApiKeyStore>(sp, connect(sp)));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RateLimiter>(sp, connect(sp)));
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddHostedService(sp => ActivatorUtilities.CreateInstance<ApiKeyRefreshService>(sp, connect(sp)));
    }

    public static WebApplication MapGatewayApi(this WebApplication app)
    {
        app.UseExceptionHandler(errors => errors.Run(UnhandledError.WriteAsync));
        app.UseStatusCodePages(StatusCodeErrors.WriteAsync);
        app.MapChatCompletionsApi();
        app.MapModelsApi();
        app.MapRouterStatusApi();

        // The gauges observe the latency snapshot; nothing else depends on them, so create them here.
        app.Services.GetRequiredService<LatencyGauges>();
        return app;
    }
}
