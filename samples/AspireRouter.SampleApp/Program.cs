using AspireRouter.SampleApp;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayChatClients();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapDemoApi();

app.Run();

/// <summary>Entry point; public so tests can host the sample app.</summary>
public partial class Program;
