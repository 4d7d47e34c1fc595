namespace AspireRouter.CostLedger.Data;

/// <summary>
/// Totals per dimension (user, feature, region or virtual key), UTC day, team and value (<see cref="DailyRollup.NoModel"/> when the
/// event had none): the spend reports grouped by user, feature or region read these. One narrow table for the three
/// instead of one wide rollup keyed by every attribute: a wide key multiplies the cardinalities (users × features ×
/// models × …) until it is as large as the ledger, while here each dimension costs at most its own distinct values per
/// team and day (user and feature are client-controlled but bounded by the field contract's lengths). Team, category,
/// model and day reports, savings and budgets read <see cref="DailyRollup"/>. Updated in the transaction that inserts
/// the rows it counts, for new rows only.
/// </summary>
public sealed class DimensionRollup : RollupTotals
{
    public const string User = "user";
    public const string Feature = "feature";
    public const string Region = "region";
    public const string Key = "key";

    public required string Dimension { get; init; }
    public required DateOnly Day { get; init; }
    public required string Team { get; init; }
    public required string Value { get; init; }
}
