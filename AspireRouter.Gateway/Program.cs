using AspireRouter.Gateway.Apis;
using AspireRouter.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapGatewayApi();

app.Run();

/// <summary>Entry point; public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
