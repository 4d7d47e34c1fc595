using AspireRouter.Contracts.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Auth;

/// <summary>Reloads <see cref="ApiKeyStore"/> on a timer and whenever the ledger announces a key change.</summary>
public sealed class ApiKeyRefreshService(ApiKeyStore store, Func<IConnectionMultiplexer> connect, IOptionsMonitor<ApiKeyOptions> options) : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // resolving the connection can block for its timeout: not on the host's start-up path
        var subscribed = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            await store.RefreshAsync();
            if (!subscribed)
            {
                subscribed = await TrySubscribeAsync();
            }

            try
            {
                await _changed.WaitAsync(options.CurrentValue.RefreshInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> TrySubscribeAsync()
    {
        try
        {
            var connection = connect();
            if (!connection.IsConnected)
            {
                return false;
            }

            await connection.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.ApiKeyChanges), (_, _) => _changed.Release());
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return false;
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}
