using System.Diagnostics;

namespace AspireRouter.Testing;

/// <summary>
/// Waits for a positive signal (a row appears, a counter moves, a status turns): polls until the condition holds and
/// fails, naming what was awaited and the last value seen, after the timeout. Never "sleep, then check nothing happened":
/// to show that something did not happen, wait for a later marker to arrive (a request sent after it, a pass of the
/// loop that would have done it), then check.
/// </summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> accepts its value; returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, Patience patience)
    {
        var clock = Stopwatch.StartNew();
        var last = "nothing yet";
        Exception? error = null;
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value))
                {
                    return value;
                }

                (last, error) = (Describe(value), null);
            }
            catch (Exception ex) when (patience.NotYet(ex))
            {
                (last, error) = ($"{ex.GetType().Name}: {ex.Message}", ex);
            }

            if (clock.Elapsed > patience.Timeout)
            {
                throw new TimeoutException($"Timed out after {patience.Timeout} waiting for: {what} (last seen: {last}).", error);
            }

            await Task.Delay(patience.Interval);
        }
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> accepts its value; returns that value.</summary>
    public static Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan timeout, TimeSpan? interval = null) =>
        ValueAsync(read, done, what, Within(timeout, interval));

    /// <summary>Polls <paramref name="read"/> until it holds an item that <paramref name="match"/> accepts; returns the first such item.</summary>
    public static async Task<T> FirstAsync<T>(Func<Task<IEnumerable<T>>> read, Func<T, bool> match, string what, TimeSpan timeout, TimeSpan? interval = null)
    {
        var found = await ValueAsync(async () => (await read()).Where(match).Take(1).ToList(), static items => items.Count == 1, what, timeout, interval);
        return found[0];
    }

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, Patience patience) =>
        ValueAsync(condition, static value => value, what, patience);

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan? interval = null) =>
        TrueAsync(condition, what, Within(timeout, interval));

    /// <summary>Polls <paramref name="condition"/>, a state held in memory (a flag, a queue's count), until it is true.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan timeout, TimeSpan? interval = null) =>
        TrueAsync(() => Task.FromResult(condition()), what, timeout, interval);

    private static Patience Within(TimeSpan timeout, TimeSpan? interval) =>
        new(timeout) { Interval = interval ?? Patience.DefaultInterval };

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.ICollection collection => $"{collection.Count} item(s)",
        _ => value.ToString() ?? "",
    };
}
