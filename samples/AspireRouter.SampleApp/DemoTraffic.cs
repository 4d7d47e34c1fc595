using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.AI;

namespace AspireRouter.SampleApp;

/// <summary>One demo call: what it asked for, whether it worked, and where the gateway sent it.</summary>
public sealed record DemoCall(string Name, string RequestedModel, bool Succeeded, string? Category, string? Model, string? Region,
    string? RequestId, int Characters, long ElapsedMs, string? Error);

/// <summary>Every call of one run of the demo.</summary>
public sealed record DemoReport(int Calls, int Succeeded, IReadOnlyList<DemoCall> Results);

/// <summary>
/// A little traffic for the console and the dashboard: each category, <c>auto</c>, a stream, a call with a tool and a
/// call that must stay in China, all through <see cref="IChatClient"/>. Runs only when asked (the dashboard's command);
/// a failed call is reported, not thrown.
/// </summary>
public sealed partial class DemoTraffic(IChatClient chat, [FromKeyedServices(GatewayChatClients.ResidentCn)] IChatClient residentCn, ILogger<DemoTraffic> logger)
{
    public async Task<DemoReport> RunAsync(CancellationToken cancellationToken)
    {
        List<DemoCall> results =
        [
            await CallAsync("light", "light", "Say hello in five words.", cancellationToken),
            await CallAsync("general", "general", "Summarise what an API gateway does in two sentences.", cancellationToken),
            await CallAsync("reasoning", "reasoning", "A train leaves at 9:40 and arrives at 13:05. How long is the trip? Think step by step.", cancellationToken),
            await CallAsync("auto", "auto", "Translate 'good morning' into French.", cancellationToken),
            await StreamAsync("stream", "general", "Write a haiku about routing.", cancellationToken),
            await CallAsync("tool", "general", "What is the weather in Lisbon? Use the tool.", cancellationToken,
                new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)] }),
            await CallAsync("resident-cn", "regional-cn", "用一句话介绍你自己。", cancellationToken, client: residentCn),
        ];

        return new DemoReport(results.Count, results.Count(r => r.Succeeded), results);
    }

    [Description("Gets the current weather in a city.")]
    private static string GetWeather([Description("The city")] string city) => $"Sunny and 21 °C in {city}.";

    private Task<DemoCall> CallAsync(string name, string model, string prompt, CancellationToken cancellationToken, ChatOptions? options = null, IChatClient? client = null) =>
        MeasureAsync(name, model, async () =>
        {
            var response = await (client ?? chat).GetResponseAsync(prompt, Options(options, model), cancellationToken);
            return response.Text.Length;
        });

    private Task<DemoCall> StreamAsync(string name, string model, string prompt, CancellationToken cancellationToken) =>
        MeasureAsync(name, model, async () =>
        {
            var text = new StringBuilder();
            await foreach (var update in chat.GetStreamingResponseAsync(prompt, Options(null, model), cancellationToken))
            {
                text.Append(update.Text);
            }

            return text.Length;
        });

    private static ChatOptions Options(ChatOptions? options, string model)
    {
        options ??= new ChatOptions();
        options.ModelId = model;
        options.MaxOutputTokens ??= 64;
        return options;
    }

    private async Task<DemoCall> MeasureAsync(string name, string model, Func<Task<int>> call)
    {
        var route = RouteSeen.Capture();
        var started = Stopwatch.GetTimestamp();
        try
        {
            var characters = await call();
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogCall(logger, name, route.Category, route.Model, route.Region, elapsed);
            return new DemoCall(name, model, true, route.Category, route.Model, route.Region, route.RequestId, characters, elapsed, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogCallFailed(logger, name, ex.GetType().Name, ex.Message);
            return new DemoCall(name, model, false, route.Category, route.Model, route.Region, route.RequestId, 0, elapsed, ex.Message);
        }
    }

    [LoggerMessage(10001, LogLevel.Information, "Demo call {Name}: routed as {Category} to {Model} in {Region} ({ElapsedMs} ms).")]
    private static partial void LogCall(ILogger logger, string name, string? category, string? model, string? region, long elapsedMs);

    [LoggerMessage(10002, LogLevel.Warning, "Demo call {Name} failed: {Error}: {Message}")]
    private static partial void LogCallFailed(ILogger logger, string name, string error, string message);
}
