using System.Diagnostics.Metrics;
using AspireRouter.Contracts.Registry;
using AspireRouter.Gateway.Breakers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AspireRouter.Gateway.Tests.Breakers;

/// <summary>Builds <see cref="CircuitBreakers"/> the way the gateway does, over any clock and Redis connection.</summary>
internal static class BreakerTestKit
{
    public const string Model = "qwen-3-8b";
    public const string Region = "global";

    public static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly RegistryProvider Registry = new(
        Options.Create(SeedRegistryConfiguration.LoadSeedOptions()),
        new ConfigurationBuilder().Build(),
        NullLogger<RegistryProvider>.Instance);

    private static readonly IMeterFactory Meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();

    public static FakeTimeProvider Clock() => new(Start);

    public static CircuitBreakers Create(
        TimeProvider time,
        Func<IConnectionMultiplexer> connect,
        CircuitBreakerOptions? options = null,
        ILogger<CircuitBreakers>? logger = null,
        BreakerMetrics? metrics = null) =>
        new(connect, Registry, Options.Create(options ?? new CircuitBreakerOptions()), time, metrics ?? new BreakerMetrics(Meters), logger ?? NullLogger<CircuitBreakers>.Instance);

    /// <summary>Breakers that never reach Redis: the local state machine alone.</summary>
    public static CircuitBreakers Local(TimeProvider time, CircuitBreakerOptions? options = null, ILogger<CircuitBreakers>? logger = null, BreakerMetrics? metrics = null) =>
        Create(time, () => throw new InvalidOperationException("No Redis in this test."), options, logger, metrics);

    public static async Task FailAsync(this ICircuitBreakers breakers, int times = 1, string model = Model)
    {
        for (var i = 0; i < times; i++)
        {
            var admission = await breakers.AdmitAsync(model, Region);
            Assert.True(admission.Allowed, $"attempt {i + 1} of {times} on {model} was not admitted: {admission.Reason}");
            await breakers.RecordAsync(admission, BreakerOutcome.Failure);
        }
    }

    public static async Task SucceedAsync(this ICircuitBreakers breakers, int times = 1, string model = Model)
    {
        for (var i = 0; i < times; i++)
        {
            var admission = await breakers.AdmitAsync(model, Region);
            Assert.True(admission.Allowed, $"attempt {i + 1} of {times} on {model} was not admitted: {admission.Reason}");
            await breakers.RecordAsync(admission, BreakerOutcome.Success);
        }
    }

    public static Task<BreakerAdmission> AdmitAsync(this ICircuitBreakers breakers, string model = Model) =>
        breakers.AdmitAsync(model, Region).AsTask();

    public static BreakerStatus StatusOf(this ICircuitBreakers breakers, string model = Model) => breakers.StatusOf(model, Region);
}
