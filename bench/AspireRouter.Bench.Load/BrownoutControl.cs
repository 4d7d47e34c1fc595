using System.Net.Http.Headers;
using System.Text;
using AspireRouter.Contracts.Redis;
using StackExchange.Redis;

namespace AspireRouter.Bench.Load;

/// <summary>
/// What the brownout changes between runs: the simulators' faults (their admin API) and the gateway's shared state
/// (its breaker hashes in the bench's Redis, which also hold the 429 cool-downs).
/// </summary>
public sealed class BrownoutControl : IAsyncDisposable
{
    /// <summary>
    /// How long a reset waits after deleting the breakers: twice the gateway's breaker sync interval (1 s), so its
    /// in-memory snapshot has read them back as closed before the next run starts.
    /// </summary>
    private static readonly TimeSpan SyncWait = TimeSpan.FromSeconds(2.5);

    private readonly HttpMessageInvoker _http;
    private readonly IReadOnlyDictionary<string, Uri> _simulators;
    private readonly ConnectionMultiplexer _redis;

    private BrownoutControl(HttpMessageInvoker http, IReadOnlyDictionary<string, Uri> simulators, ConnectionMultiplexer redis) =>
        (_http, _simulators, _redis) = (http, simulators, redis);

    /// <param name="http">The client for the admin calls.</param>
    /// <param name="simulators">Each simulator's root URL by the region it plays (<c>global</c>, <c>cn</c>).</param>
    /// <param name="redis">The bench Redis the gateway uses, <c>host:port</c>.</param>
    public static async Task<BrownoutControl> ConnectAsync(HttpMessageInvoker http, IReadOnlyDictionary<string, Uri> simulators, string redis) =>
        new(http, simulators, await ConnectionMultiplexer.ConnectAsync(redis));

    /// <summary>No faults, no breaker or cool-down in the gateway: the start of an independent scenario.</summary>
    public async Task ResetAsync()
    {
        await ClearFaultsAsync();
        var database = _redis.GetDatabase();
        foreach (var server in _redis.GetServers())
        {
            await foreach (var key in server.KeysAsync(pattern: RedisKeys.Breaker("*", "*")))
            {
                await database.KeyDeleteAsync(key);
            }
        }

        await Task.Delay(SyncWait);
    }

    /// <summary>Replaces every fault in force with <paramref name="faults"/>.</summary>
    public async Task SetFaultsAsync(IReadOnlyList<FaultSetting> faults)
    {
        await ClearFaultsAsync();
        foreach (var fault in faults)
        {
            var uri = new Uri(_simulators[fault.Region], $"/admin/faults/{Uri.EscapeDataString(fault.Model)}");
            await SendAsync(new HttpRequestMessage(HttpMethod.Put, uri)
            {
                Content = new StringContent(fault.Json(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            });
        }
    }

    public async Task ClearFaultsAsync()
    {
        foreach (var simulator in _simulators.Values)
        {
            await SendAsync(new HttpRequestMessage(HttpMethod.Delete, new Uri(simulator, "/admin/faults")));
        }
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private async Task SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _http.SendAsync(request, CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
