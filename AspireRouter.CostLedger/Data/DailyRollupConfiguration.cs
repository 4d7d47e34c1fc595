using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class DailyRollupConfiguration : IEntityTypeConfiguration<DailyRollup>
{
    public void Configure(EntityTypeBuilder<DailyRollup> builder)
    {
        builder.ToTable("daily_rollups");

        // Every ledger batch adds to the rows of the day: with 30 % of each page left free those updates are HOT (no
        // indexed column changes), so a row's new version stays on its page, a day's rows stay together as they were
        // inserted and the indexes do not grow with the updates; a report over 30 days then reads a few contiguous
        // pages per day instead of versions scattered over the table.
        builder.HasStorageParameter("fillfactor", 70);
        builder.HasKey(r => new { r.Day, r.Team, r.Category, r.Model });
        builder.Property(r => r.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Category).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Model).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.CostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(r => r.BaselineCostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.HasIndex(r => new { r.Team, r.Day });
    }
}
