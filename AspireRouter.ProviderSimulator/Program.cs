using AspireRouter.ProviderSimulator.Apis;
using AspireRouter.ProviderSimulator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddSimulatorServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenAiApi();
app.MapAdminApi();

app.Run();

/// <summary>Exposed so tests can host the simulator with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
