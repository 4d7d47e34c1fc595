using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace AspireRouter.Bench.Load;

/// <summary>What one request of the mix cost and took.</summary>
public sealed record MixOutcome(string Category, bool Ok, double Ms, decimal CostUsd, string? Model);

/// <summary>
/// The workload mix through the gateway: the same seeded requests twice at a fixed rate, first routed (categories
/// and <c>auto</c>), then every one sent to the premium model (image requests to the priciest vision model, since
/// the premium reasoning model has no vision). Cost is the gateway's <c>X-AspireRouter-Cost-Usd</c> of each answer,
/// the figure its cost event carries to the ledger.
/// </summary>
public static class Mix
{
    public const string CostHeader = "X-AspireRouter-Cost-Usd";
    public const string ModelHeader = "X-AspireRouter-Model";

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var endpoint = new Uri(arguments.Required("gateway"));
        var rate = arguments.Number("rate", 30);
        var duration = TimeSpan.FromSeconds(arguments.Number("duration", 60));
        var baselineModel = arguments.Get("baseline-model") ?? "kimi-k2-5";
        var baselineVision = arguments.Get("baseline-vision-model") ?? "glm-4-6v";
        var requests = MixWorkload.Generate((int)(rate * duration.TotalSeconds), (int)arguments.Number("seed", 42), arguments.Number("auto-share", 0.2));

        using var client = LoadRunner.NewClient(1024);
        Console.Error.WriteLine($"  mix: {requests.Count} requests routed");
        var routed = await ReplayAsync(client, endpoint, requests, rate, r => r.Auto ? "auto" : r.Category);
        Console.Error.WriteLine($"  mix: {requests.Count} requests to {baselineModel} ({baselineVision} for images)");
        var baseline = await ReplayAsync(client, endpoint, requests, rate, r => r.Image ? baselineVision : baselineModel);
        Console.WriteLine(Format(routed, baseline, baselineModel, rate, duration));
        return 0;
    }

    private static async Task<MixOutcome[]> ReplayAsync(HttpMessageInvoker client, Uri endpoint, IReadOnlyList<MixRequest> requests, double rate, Func<MixRequest, string> model)
    {
        var outcomes = new MixOutcome[requests.Count];
        var tasks = new List<Task>(requests.Count);
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Count; i++)
        {
            var due = origin + (long)(i * Stopwatch.Frequency / rate);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency));
            }

            var index = i;
            var request = requests[i];
            tasks.Add(Task.Run(async () => outcomes[index] = await SendAsync(client, endpoint, request, model(request), due)));
        }

        await Task.WhenAll(tasks);
        return outcomes;
    }

    private static async Task<MixOutcome> SendAsync(HttpMessageInvoker client, Uri endpoint, MixRequest request, string model, long due)
    {
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new ByteArrayContent(request.Body(model)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer bench-key");
            using var response = await client.SendAsync(message, CancellationToken.None);
            await response.Content.ReadAsByteArrayAsync();
            var ms = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
            var cost = response.Headers.TryGetValues(CostHeader, out var values)
                ? decimal.Parse(values.First(), NumberStyles.Float, CultureInfo.InvariantCulture)
                : 0m;
            var used = response.Headers.TryGetValues(ModelHeader, out var models) ? models.First() : null;
            return new MixOutcome(request.Category, response.IsSuccessStatusCode, ms, cost, used);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
        {
            return new MixOutcome(request.Category, false, Stopwatch.GetElapsedTime(due).TotalMilliseconds, 0m, null);
        }
    }

    /// <summary>Per category and overall: requests, models used, p50/p99, cost per 1,000 requests, routed against baseline.</summary>
    public static string Format(IReadOnlyList<MixOutcome> routed, IReadOnlyList<MixOutcome> baseline, string baselineModel, double rate, TimeSpan duration)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{routed.Count} requests at {rate:0} req/s ({duration.TotalSeconds:0} s), the same requests again to `{baselineModel}`; latency from each request's due time to its last byte.");
        text.AppendLine();
        text.AppendLine("| category | requests | routed to | routed p50 ms | routed p99 ms | routed $/1k req | baseline p50 ms | baseline p99 ms | baseline $/1k req | cost saved | errors routed / baseline |");
        text.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        var categories = routed.Select(o => o.Category).Distinct().Order(StringComparer.Ordinal).Append("all");
        foreach (var category in categories)
        {
            var r = routed.Where(o => category == "all" || o.Category == category).ToList();
            var b = baseline.Where(o => category == "all" || o.Category == category).ToList();
            var models = string.Join(", ", r.Where(o => o.Model is not null).GroupBy(o => o.Model!)
                .OrderByDescending(g => g.Count()).Take(3).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {100.0 * g.Count() / r.Count:0}%")));
            var routedCost = PerThousand(r);
            var baselineCost = PerThousand(b);
            var saved = baselineCost > 0 ? 1 - (double)(routedCost / baselineCost) : double.NaN;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {category} | {r.Count} | {models} | {Percentile(r, 50)} | {Percentile(r, 99)} | {routedCost:0.0000} | {Percentile(b, 50)} | {Percentile(b, 99)} | {baselineCost:0.0000} | {saved:P0} | {r.Count(o => !o.Ok)} / {b.Count(o => !o.Ok)} |"));
        }

        return text.ToString();
    }

    private static decimal PerThousand(IReadOnlyList<MixOutcome> outcomes) =>
        outcomes.Count == 0 ? 0 : outcomes.Sum(o => o.CostUsd) * 1000 / outcomes.Count;

    private static string Percentile(IReadOnlyList<MixOutcome> outcomes, double percent) =>
        LatencySamples.Percentile([.. outcomes.Where(o => o.Ok).Select(o => o.Ms).Order()], percent).ToString("0", CultureInfo.InvariantCulture);
}
