using System.Diagnostics;
using System.Text.Json;

namespace AspireRouter.ProviderSimulator.Tests;

/// <summary>Calls are recorded when they end, which for an abandoned call is a moment after the client gives up.</summary>
internal static class AdminPolling
{
    public static async Task<JsonElement> WaitForRequestAsync(HttpClient client, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await client.GetAsync("/admin/requests?limit=50");
            var records = (await response.ReadJsonAsync()).EnumerateArray().ToList();
            if (records.FirstOrDefault(match) is { ValueKind: JsonValueKind.Object } record)
            {
                return record;
            }

            Assert.True(deadline.Elapsed < (timeout ?? TimeSpan.FromSeconds(5)), "the request was never recorded");
            await Task.Delay(20);
        }
    }
}
