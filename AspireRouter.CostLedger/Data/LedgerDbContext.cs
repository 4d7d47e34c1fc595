using Microsoft.EntityFrameworkCore;

namespace AspireRouter.CostLedger.Data;

/// <summary>The cost ledger: one row per request, daily rollups, the budget alerts already raised, and the virtual API keys.</summary>
public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    public DbSet<CostEntry> CostEntries => Set<CostEntry>();
    public DbSet<DailyRollup> DailyRollups => Set<DailyRollup>();
    public DbSet<DimensionRollup> DimensionRollups => Set<DimensionRollup>();
    public DbSet<BudgetAlert> BudgetAlerts => Set<BudgetAlert>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(LedgerDbContext).Assembly);

        // snake_case columns, so hand-written SQL (rollup upserts, ad-hoc queries) needs no quoting.
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.GetColumnName() == property.Name)
            {
                property.SetColumnName(SnakeCase(property.Name));
            }
        }
    }

    internal static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
