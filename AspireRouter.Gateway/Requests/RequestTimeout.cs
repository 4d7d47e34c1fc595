using System.Globalization;

namespace AspireRouter.Gateway.Requests;

/// <summary>A client's own deadline for one request, in milliseconds, bounded by <c>Gateway:MaxRequestTimeout</c>.</summary>
public static class RequestTimeout
{
    public const string Header = "X-AspireRouter-Timeout-Ms";

    /// <summary>Absent header: true with null. Present: a whole number of milliseconds in [1, max], else a 400.</summary>
    public static bool TryParse(string? value, TimeSpan max, out TimeSpan? timeout, out RequestError? error)
    {
        timeout = null;
        error = null;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms < 1 || ms > max.TotalMilliseconds)
        {
            error = RequestError.Invalid(
                $"Header {Header} must be a whole number of milliseconds from 1 to {max.TotalMilliseconds:0}.", Header, "invalid_timeout");
            return false;
        }

        timeout = TimeSpan.FromMilliseconds(ms);
        return true;
    }
}
