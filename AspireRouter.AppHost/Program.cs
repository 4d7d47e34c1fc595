using AspireRouter.AppHost.Deployment;
using AspireRouter.AppHost.Gateways;
using AspireRouter.AppHost.Infrastructure;
using AspireRouter.AppHost.Ledger;
using AspireRouter.AppHost.Providers;
using AspireRouter.AppHost.Samples;
using AspireRouter.AppHost.Simulators;
using AspireRouter.Contracts.Registry;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: containers, the machine's binaries or existing servers, chosen by Infrastructure:Mode (default auto).
var infrastructure = builder.GetInfrastructureMode("redis", "ledgerdb");
var redis = builder.AddRedisServer("redis", infrastructure);

// Databases: the cost ledger's.
var ledgerDb = builder.AddPostgresDatabase("postgres", "ledgerdb", infrastructure);

// Parameters
var simulatorApiKey = builder.AddSimulatorApiKey();
var adminKey = builder.AddAdminKey();
var gatewayReplicas = builder.GetGatewayReplicas();
var ledgerReplicas = builder.GetLedgerReplicas();

// Provider simulators: OpenAI-compatible stand-ins for every provider, one per region, with fault-injection commands.
var providersGlobal = builder.AddProviderSimulator("providers-global", Regions.Global, port: 5090, simulatorApiKey);
var providersCn = builder.AddProviderSimulator("providers-cn", Regions.Cn, port: 5091, simulatorApiKey);

// Real endpoints where configured (always when publishing), the simulators elsewhere.
var providers = ProviderEndpoints.Create(builder, simulatorApiKey, providersGlobal, providersCn);

// Gateways: one per region (published: its own Azure location, replicas, the cost spool on a volume), sharing Redis (breakers, latency, budgets, virtual keys, rate limits); run mode also takes the
// local development key. The AppHost's Registry section (e.g. Registry:Categories:regional-cn:FallbackToGlobal) reaches
// both gateways and the probe; provider endpoints are set after it, from Providers:{id}:{region}. Its Budgets section
// (one schema, AspireRouter.Contracts/Budgets) reaches both gateways, which enforce it, and the ledger, which reports it.
builder.AddProject<Projects.AspireRouter_Gateway>("gateway-global", launchProfileName: null)
    .WithLocalHttpEndpoint(5080)
    .WithExternalHttpEndpoints()
    .WithAppHostEnvironment()
    .WithEnvironment("Gateway__Region", Regions.Global)
    .WithGatewayGcBudget()
    .WithGatewayEventLoops()
    .WithDeploymentLocation("westeurope")
    .WithPublishedReplicas(gatewayReplicas)
    .WithScaleOutReplicas(ScaleOutExtensions.ScaledGatewayReplicas)
    .WithCostSpoolVolume()
    .WithGatewayAuth()
    .WithReference(redis).WaitFor(redis)
    .WithConfigurationSection("Registry")
    .WithProviderEndpoints(providers, Regions.Global)
    .WithConfigurationSection("Latency")
    .WithConfigurationSection("Budgets")
    .WithBreakerCommands(adminKey)
    .WithHealthProbes();

builder.AddProject<Projects.AspireRouter_Gateway>("gateway-cn", launchProfileName: null)
    .WithLocalHttpEndpoint(5081)
    .WithExternalHttpEndpoints()
    .WithAppHostEnvironment()
    .WithEnvironment("Gateway__Region", Regions.Cn)
    .WithGatewayGcBudget()
    .WithGatewayEventLoops()
    .WithDeploymentLocation("eastasia")
    .WithPublishedReplicas(gatewayReplicas)
    .WithCostSpoolVolume()
    .WithGatewayAuth()
    .WithReference(redis).WaitFor(redis)
    .WithConfigurationSection("Registry")
    .WithProviderEndpoints(providers, Regions.Cn)
    .WithConfigurationSection("Latency")
    .WithConfigurationSection("Budgets")
    .WithBreakerCommands(adminKey)
    .WithHealthProbes();

// Health probe: two replicas, one leader at a time (Redis lease); probes every model in every region, writes the shared latency window.
builder.AddProject<Projects.AspireRouter_HealthProbe>("health-probe", launchProfileName: null)
    .WithHttpEndpoint()
    .WithReplicas(2)
    .WithAppHostEnvironment()
    .WithReference(redis).WaitFor(redis)
    .WithConfigurationSection("Registry")
    .WithInRegionProviderEndpoints(providers)
    .WithConfigurationSection("Latency")
    .WithConfigurationSection("HealthProbe")
    .WithHealthProbes();

// Cost ledger, two replicas by default (two consumers of the cost stream's group): consumes the gateways' cost events into PostgreSQL; spend reports, budget status, the virtual keys' admin API,
// dashboard commands to list and replay its dead letters and to issue a virtual key, and the spend & routing console (/console,
// linked from the dashboard).
builder.AddProject<Projects.AspireRouter_CostLedger>("cost-ledger", launchProfileName: null)
    .WithLocalHttpEndpoint(5070)
    .WithExternalHttpEndpoints() // the admin API (first key, key rotation) and spend reports, each behind its key
    .WithReplicas(ledgerReplicas)
    .WithAppHostEnvironment()
    .WithReference(redis).WaitFor(redis)
    .WithReference(ledgerDb).WaitFor(ledgerDb)
    .WithEnvironment("Admin__Key", adminKey)
    .WithLedgerReportAccess()
    .WithDeadLetterCommands(adminKey)
    .WithVirtualKeyCommands(adminKey)
    .WithConfigurationSection("Budgets")
    .WithConfigurationSection("Registry").WithConfigurationSection("Latency") // the console's routing view: the gateways' models and latency window
    .WithUrl("/console/", "Console (spend & routing)")
    .WithConfigurationSection("Ingestion")
    .WithHealthProbes();

// Run mode: a sample app calling gateway-global with IChatClient, and a dashboard command that sends demo traffic.
builder.AddSampleApp("gateway-global");

builder.Build().Run();
