using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class DimensionRollupConfiguration : IEntityTypeConfiguration<DimensionRollup>
{
    public void Configure(EntityTypeBuilder<DimensionRollup> builder)
    {
        builder.ToTable("daily_dimension_rollups");

        // Every ledger batch adds to the rows of the day: with 30 % of each page left free those updates are HOT (no
        // indexed column changes), so a row's new version stays on its page, a day's rows stay together as they were
        // inserted and the indexes do not grow with the updates; a report over 30 days then reads a few contiguous
        // pages per day instead of versions scattered over the table.
        builder.HasStorageParameter("fillfactor", 70);

        // Reports read one dimension over a range of days, optionally for one team: the key's order serves both.
        builder.HasKey(r => new { r.Dimension, r.Day, r.Team, r.Value });
        builder.Property(r => r.Dimension).HasMaxLength(16);
        builder.Property(r => r.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Value).HasMaxLength(LedgerLimits.UserLength);
        builder.Property(r => r.CostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
    }
}
