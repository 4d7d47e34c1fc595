using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AspireRouter.CostLedger.Data;

/// <summary>For <c>dotnet ef migrations add</c> only: the model needs a provider, not a reachable server.</summary>
internal sealed class LedgerDbContextFactory : IDesignTimeDbContextFactory<LedgerDbContext>
{
    public LedgerDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql("Host=localhost;Database=ledgerdb").Options);
}
