using AspireRouter.CostLedger.Budgets;
using AspireRouter.CostLedger.DeadLetters;
using AspireRouter.CostLedger.Extensions;
using AspireRouter.CostLedger.Keys;
using AspireRouter.CostLedger.Reports;
using AspireRouter.CostLedger.Routing;
using AspireRouter.CostLedger.SpendConsole;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCostLedgerServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapSpendApi();
app.MapBudgetsApi();
app.MapAdminKeysApi();
app.MapDeadLettersApi();
app.MapRoutingApi();
app.MapSpendConsole();
app.MapApiDocument();

app.Run();

/// <summary>Entry point; public so tests can host the ledger with WebApplicationFactory.</summary>
public partial class Program;
