using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class DailyRollupConfiguration : IEntityTypeConfiguration<DailyRollup>
{
    public void Configure(EntityTypeBuilder<DailyRollup> builder)
    {
        builder.ToTable("daily_rollups");
        builder.HasKey(r => new { r.Day, r.Team, r.Category, r.Model });
        builder.Property(r => r.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Category).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Model).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.CostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(r => r.BaselineCostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.HasIndex(r => new { r.Team, r.Day });
    }
}
