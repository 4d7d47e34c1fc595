using System.Text;
using Npgsql;

namespace AspireRouter.CostLedger.Ingestion;

/// <summary>
/// Tells an event the database refuses (its data: dead-letter it once it stands alone) from the database being
/// unreachable or busy (an outage: keep every entry pending and retry). In doubt it is an outage: an entry kept pending
/// is retried and shows on <c>/health</c>, an entry dead-lettered by mistake needs a person to replay it.
/// </summary>
internal static class WriteFailures
{
    /// <summary>The reason to dead-letter with when <paramref name="exception"/> is a refusal of the data, else null.</summary>
    public static string? Refusal(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case PostgresException pg:
                    return IsDataRefusal(pg.SqlState)
                        ? Truncate($"PostgreSQL refused the row ({pg.SqlState}): {pg.MessageText}")
                        : null;
                case NpgsqlException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException:
                    return null;
                case EncoderFallbackException or OverflowException or InvalidCastException or FormatException or ArgumentException:
                    // Raised on this side while turning one event into parameters (an unencodable string, a value out of range).
                    return Truncate($"The event cannot be written: {ex.GetType().Name}: {ex.Message}");
            }
        }

        return null;
    }

    /// <summary>
    /// SQLSTATE classes about the row itself: 22 data exception (invalid byte sequence, value too long, out of range,
    /// unsupported Unicode escape in jsonb), 23 integrity constraint (but 23505, a unique violation: a concurrent writer
    /// inserted the same request, which the retry sees as a duplicate), 54 program limit (a row or index entry too big).
    /// Connection, resource, operator, transaction-rollback and schema errors are outages.
    /// </summary>
    internal static bool IsDataRefusal(string sqlState) =>
        sqlState.Length == 5 && (sqlState.StartsWith("22", StringComparison.Ordinal)
            || (sqlState.StartsWith("23", StringComparison.Ordinal) && sqlState != PostgresErrorCodes.UniqueViolation)
            || sqlState.StartsWith("54", StringComparison.Ordinal));

    private static string Truncate(string reason) => reason.Length <= 400 ? reason : reason[..400] + "…";
}
