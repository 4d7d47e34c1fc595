using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class DimensionRollupConfiguration : IEntityTypeConfiguration<DimensionRollup>
{
    public void Configure(EntityTypeBuilder<DimensionRollup> builder)
    {
        builder.ToTable("daily_dimension_rollups");

        // Reports read one dimension over a range of days, optionally for one team: the key's order serves both.
        builder.HasKey(r => new { r.Dimension, r.Day, r.Team, r.Value });
        builder.Property(r => r.Dimension).HasMaxLength(16);
        builder.Property(r => r.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(r => r.Value).HasMaxLength(LedgerLimits.UserLength);
        builder.Property(r => r.CostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
    }
}
