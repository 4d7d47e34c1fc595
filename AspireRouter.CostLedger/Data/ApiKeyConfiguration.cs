using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasMaxLength(LedgerLimits.IdLength);
        builder.Property(k => k.Team).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(k => k.Name).HasMaxLength(LedgerLimits.NameLength);
        builder.Property(k => k.SecretHash).HasMaxLength(64);
        builder.Property(k => k.DisplayPrefix).HasMaxLength(16);
        builder.Property(k => k.AllowedCategories).HasMaxLength(LedgerLimits.TextLength);
        builder.Property(k => k.Residency).HasMaxLength(16);
        builder.Property(k => k.DailyBudgetUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(k => k.MonthlyBudgetUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.HasIndex(k => k.Team);
    }
}
