namespace AspireRouter.CostLedger.Data;

/// <summary>Column sizes: an event whose values exceed them is poison, rejected before it reaches the database.</summary>
internal static class LedgerLimits
{
    public const int IdLength = 128;
    public const int NameLength = 128;
    public const int TextLength = 512;

    /// <summary>numeric(20, 10): up to ten billion USD, to a ten-billionth of a cent's tenth; per-token prices are tiny.</summary>
    public const int MoneyPrecision = 20;
    public const int MoneyScale = 10;
}
