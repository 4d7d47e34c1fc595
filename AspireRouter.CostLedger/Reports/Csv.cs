namespace AspireRouter.CostLedger.Reports;

/// <summary>RFC 4180 fields, defused against spreadsheet formula injection (team and feature names come from clients).</summary>
internal static class Csv
{
    public static string Escape(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
