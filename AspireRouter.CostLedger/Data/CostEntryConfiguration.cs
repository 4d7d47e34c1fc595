using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AspireRouter.CostLedger.Data;

internal sealed class CostEntryConfiguration : IEntityTypeConfiguration<CostEntry>
{
    public void Configure(EntityTypeBuilder<CostEntry> builder)
    {
        builder.ToTable("cost_entries");

        // The gateway-minted request id, with the partition key (a unique key of a partitioned table must hold it): a
        // second insert of the same event is a conflict, never a second row. An event is immutable once the gateway
        // serialized it, so every replay, reclaim or second consumer carries the same occurred_at (CostEntry).
        builder.HasKey(e => new { e.RequestId, e.OccurredAt });
        builder.Property(e => e.RequestId).HasMaxLength(LedgerLimits.IdLength);
        builder.Property(e => e.CorrelationId).HasMaxLength(LedgerLimits.IdLength);
        builder.Property(e => e.ApiKeyId).HasMaxLength(LedgerLimits.IdLength);
        builder.Property(e => e.User).HasMaxLength(LedgerLimits.UserLength);

        foreach (var name in new[] { nameof(CostEntry.Team), nameof(CostEntry.Category), nameof(CostEntry.RequestedModel),
                     nameof(CostEntry.Model), nameof(CostEntry.Region), nameof(CostEntry.GatewayRegion), nameof(CostEntry.Outcome),
                     nameof(CostEntry.Feature), nameof(CostEntry.Residency) })
        {
            builder.Property(name).HasMaxLength(LedgerLimits.NameLength);
        }

        builder.Property(e => e.RoutingReason).HasMaxLength(LedgerLimits.TextLength);
        builder.Property(e => e.StreamEntryId).HasMaxLength(64);
        builder.Property(e => e.CostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(e => e.BaselineCostUsd).HasPrecision(LedgerLimits.MoneyPrecision, LedgerLimits.MoneyScale);
        builder.Property(e => e.AttemptsJson).HasColumnName("attempt_costs").HasColumnType("jsonb");

        // Reports filter on time first, then group by one attribute.
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => new { e.Team, e.Day });
    }
}
