namespace AspireRouter.Testing;

/// <summary>
/// Waits for a positive signal (a row appears, a counter moves, a status turns): polls until the condition holds and
/// fails, naming what was awaited and the last value seen, after the timeout. Never "sleep, then check nothing happened".
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> accepts its value; returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout, TimeSpan? interval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for: {what} (last seen: {Describe(value)}).");
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan? interval = null) =>
        ValueAsync(condition, static value => value, what, timeout, interval);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.ICollection collection => $"{collection.Count} item(s)",
        _ => value.ToString() ?? "",
    };
}
