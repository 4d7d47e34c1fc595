using AspireRouter.HealthProbe.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddHealthProbeServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point; public so tests can host the probe.</summary>
public partial class Program;
