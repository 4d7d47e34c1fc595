using Microsoft.Extensions.Options;

namespace AspireRouter.Gateway.Breakers;

/// <summary>Runs <see cref="CircuitBreakers.SyncAsync"/> every <see cref="CircuitBreakerOptions.SyncInterval"/>.</summary>
internal sealed class BreakerSyncService(CircuitBreakers breakers, IOptions<CircuitBreakerOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SyncInterval, time);
        do
        {
            await breakers.SyncAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
