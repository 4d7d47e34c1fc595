using System.Diagnostics.Metrics;
using AspireRouter.Gateway.Breakers;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.Gateway.Tests.Breakers;

public sealed class BreakerMetricsTests
{
    [Fact]
    public async Task Transitions_AreCounted_AndTheGaugeShowsEachBreakersState()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var transitions = new List<(long Value, Dictionary<string, object?> Tags)>();
        var states = new List<(int Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BreakerMetrics.MeterName && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => transitions.Add((value, Tags(tags))));
        var cooling = new List<(int Value, Dictionary<string, object?> Tags)>();
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
            (instrument.Name == "aspirerouter.breaker.cooling" ? cooling : states).Add((value, Tags(tags))));
        listener.Start();
        var time = BreakerTestKit.Clock();
        var breakers = BreakerTestKit.Local(time, metrics: new BreakerMetrics(factory));

        await breakers.FailAsync(5);
        time.Advance(TimeSpan.FromSeconds(30));
        await breakers.AdmitAsync();
        listener.RecordObservableInstruments();

        Assert.Collection(transitions,
            t => Assert.Equal(("closed", "open", "qwen-3-8b", "global"), ((string)t.Tags["from"]!, (string)t.Tags["to"]!, (string)t.Tags["model"]!, (string)t.Tags["region"]!)),
            t => Assert.Equal(("open", "half_open"), ((string)t.Tags["from"]!, (string)t.Tags["to"]!)));
        var state = Assert.Single(states);
        Assert.Equal((int)BreakerState.HalfOpen, state.Value);
        Assert.Equal("qwen-3-8b", state.Tags["model"]);
        Assert.Equal(0, Assert.Single(cooling).Value);

        var admission = await breakers.AdmitAsync("deepseek-v4-flash", BreakerTestKit.Region);
        await breakers.RecordAsync(admission, BreakerOutcome.RateLimited, TimeSpan.FromSeconds(5));
        cooling.Clear();
        listener.RecordObservableInstruments();
        Assert.Equal(1, cooling.Single(c => (string)c.Tags["model"]! == "deepseek-v4-flash").Value);
        Assert.Contains(transitions, t => t.Tags.Count == 2 && (string)t.Tags["model"]! == "deepseek-v4-flash"); // aspirerouter.cooldowns
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }
}
