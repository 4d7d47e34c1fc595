using AspireRouter.Contracts.Costs;

namespace AspireRouter.CostLedger.Data;

/// <summary>
/// Column sizes. The cost columns come from the shared field contract (<see cref="CostFields"/>), which the gateway
/// enforces at its edge and the ledger validates before insert: a column is never narrower than its field's rule.
/// </summary>
internal static class LedgerLimits
{
    public const int IdLength = CostFields.IdMaxLength;

    /// <summary>
    /// Names: registry names and the requested model (<see cref="CostFields.NameMaxLength"/>); team and feature (rule: 64)
    /// keep their 128-wide columns, so no migration has to rewrite the table to narrow them.
    /// </summary>
    public const int NameLength = CostFields.NameMaxLength;

    public const int UserLength = CostFields.UserMaxLength;
    public const int TextLength = CostFields.TextMaxLength;

    /// <summary>numeric(20, 10): up to ten billion USD, to a ten-billionth of a cent's tenth; per-token prices are tiny.</summary>
    public const int MoneyPrecision = 20;
    public const int MoneyScale = 10;
}
