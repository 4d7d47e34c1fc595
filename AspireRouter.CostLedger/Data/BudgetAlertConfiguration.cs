using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class BudgetAlertConfiguration : IEntityTypeConfiguration<BudgetAlert>
{
    public void Configure(EntityTypeBuilder<BudgetAlert> builder)
    {
        builder.ToTable("budget_alerts");
        builder.HasKey(a => new { a.Team, a.Period, a.PeriodStart, a.ThresholdPercent });
        builder.Property(a => a.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(a => a.Period).HasMaxLength(16);
        builder.Property(a => a.SpentUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(a => a.LimitUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
    }
}
