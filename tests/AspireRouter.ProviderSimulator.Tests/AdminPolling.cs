using System.Text.Json;

namespace AspireRouter.ProviderSimulator.Tests;

/// <summary>Calls are recorded when they end, which for an abandoned call is a moment after the client gives up.</summary>
internal static class AdminPolling
{
    /// <summary>Waits until <c>/admin/requests</c> lists a call that <paramref name="match"/> accepts; returns its record.</summary>
    public static Task<JsonElement> WaitForRequestAsync(HttpClient client, Func<JsonElement, bool> match, TimeSpan? timeout = null) =>
        Eventually.FirstAsync(async () =>
        {
            using var response = await client.GetAsync("/admin/requests?limit=50");
            return (IEnumerable<JsonElement>)(await response.ReadJsonAsync()).EnumerateArray().ToList();
        }, match, "the request to be recorded", timeout ?? TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(20));
}
