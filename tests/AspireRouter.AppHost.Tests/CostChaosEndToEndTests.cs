using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// The cost pipeline's promise under failure: a few hundred real requests through both gateways (streamed and not,
/// a third of the light primary's answers failing over) while Redis, PostgreSQL and the cost ledger are each restarted
/// once. Afterwards the ledger holds exactly one row per successful request and the sums equal what the gateways
/// reported to their clients (<c>X-AspireRouter-Cost-Usd</c>, or a stream's closing cost comment).
/// </summary>
[Collection(DisruptiveAppCollection.Name)]
public sealed class CostChaosEndToEndTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private const int MinimumRequests = 300;
    private const int Workers = 6;
    private const string CostComment = ": aspirerouter-cost-usd=";
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan LedgerCatchUpTimeout = TimeSpan.FromMinutes(3);

    /// <summary>One request: the gateway's id (the ledger's key; the client's id when no answer came back) and what it reported.</summary>
    private sealed record Sent(string RequestId, HttpStatusCode Status, decimal? ReportedCost, bool Streamed, string? Model);

    [Fact]
    public async Task RequestsWhileRedisPostgresAndLedgerRestart_LedgerHoldsOneRowPerSuccess_AndTheReportedSums()
    {
        var team = $"chaos-{Guid.NewGuid():N}"[..24];
        using var simulator = fixture.CreateHttpClient("providers-global");
        using var global = fixture.CreateHttpClient("gateway-global");
        using var cn = fixture.CreateHttpClient("gateway-cn");
        global.Timeout = cn.Timeout = TimeSpan.FromSeconds(60);

        // A third of the light primary's answers in the global region fail: those requests fall over to the next model.
        (await simulator.PutAsJsonAsync("/admin/faults/qwen-3-8b", new { errorRate = 0.3, status = 503 })).EnsureSuccessStatusCode();
        var results = new ConcurrentBag<Sent>();
        try
        {
            using var stopSending = new CancellationTokenSource();
            var next = -1;
            var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < MinimumRequests || !stopSending.IsCancellationRequested)
                {
                    results.Add(await SendAsync(i % 5 == 0 ? cn : global, team, i));
                }
            })).ToList();

            var clock = Stopwatch.StartNew();
            await WaitForRequestsAsync(results, MinimumRequests / 6);
            await RestartRedisAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: Redis restarted ({results.Count} requests answered)");

            await WaitForRequestsAsync(results, results.Count + MinimumRequests / 6);
            await RestartPostgresAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: PostgreSQL restarted ({results.Count} requests answered)");

            await WaitForRequestsAsync(results, results.Count + MinimumRequests / 6);
            await RestartLedgerAsync();
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: cost ledger killed and started again ({results.Count} requests answered)");

            await stopSending.CancelAsync();
            await Task.WhenAll(workers);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {results.Count} requests answered");
        }
        finally
        {
            (await simulator.DeleteAsync(new Uri("/admin/faults/qwen-3-8b", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        var sent = results.ToList();
        var succeeded = sent.Where(s => s.Status == HttpStatusCode.OK).ToList();
        output.WriteLine($"{sent.Count} sent: {succeeded.Count} succeeded ({succeeded.Count(s => s.Streamed)} streamed), " +
                         $"{sent.Count - succeeded.Count} failed; models used: " +
                         string.Join(", ", succeeded.GroupBy(s => s.Model).Select(g => $"{g.Key} {g.Count()}")));
        Assert.True(succeeded.Count >= sent.Count * 0.95, $"Only {succeeded.Count} of {sent.Count} requests succeeded.");
        Assert.All(succeeded, s => Assert.True(s.ReportedCost is > 0, $"{s.RequestId} reported no cost."));
        Assert.Contains(succeeded, s => s.Model == "deepseek-v4-flash");

        var rows = await WaitForLedgerAsync(team, succeeded.Count, global, cn);
        var successRows = rows.Where(r => r.Outcome == "success").ToList();
        Assert.Equal(successRows.Count, successRows.Select(r => r.RequestId).Distinct().Count());
        Assert.Equal(succeeded.Select(s => s.RequestId).Order(), successRows.Select(r => r.RequestId).Order());
        Assert.Equal(succeeded.Sum(s => s.ReportedCost!.Value), successRows.Sum(r => r.CostUsd));

        // Failed requests hold a row only when some attempt was billed, and then with the cost their error reported.
        var failedRows = rows.Where(r => r.Outcome != "success").ToDictionary(r => r.RequestId);
        foreach (var failed in sent.Where(s => s.Status != HttpStatusCode.OK))
        {
            var billed = failed.ReportedCost ?? 0m;
            Assert.Equal(billed, failedRows.TryGetValue(failed.RequestId, out var row) ? row.CostUsd : 0m);
        }

        Assert.Equal(rows.Count, successRows.Count + failedRows.Count);
    }

    private static async Task<Sent> SendAsync(HttpClient gateway, string team, int i)
    {
        var streamed = i % 2 == 1;
        var category = i % 3 == 0 ? "general" : "light";
        var requestId = $"{team}-{i}";
        var streamOptions = streamed && i % 4 == 1 ? ""","stream_options":{"include_usage":true}""" : "";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{category}}","stream":{{(streamed ? "true" : "false")}}{{streamOptions}},"max_tokens":64,"messages":[{"role":"user","content":"Name a colour and a fruit, request {{i}}."}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", requestId);
        request.Headers.Add("X-AspireRouter-Team", team);
        try
        {
            using var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();
            var cost = response.Headers.TryGetValues("X-AspireRouter-Cost-Usd", out var values)
                ? decimal.Parse(values.Single(), CultureInfo.InvariantCulture)
                : StreamCost(body);
            var model = response.Headers.TryGetValues("X-AspireRouter-Model", out var models) ? models.Single() : null;
            Assert.Equal(requestId, response.Headers.GetValues("X-Request-Id").Single());
            return new Sent(response.Headers.GetValues("X-AspireRouter-Request-Id").Single(), response.StatusCode, cost, streamed, model);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Sent(requestId, 0, null, streamed, null);
        }
    }

    private static decimal? StreamCost(string body)
    {
        var line = body.Split('\n').LastOrDefault(l => l.StartsWith(CostComment, StringComparison.Ordinal));
        return line is null ? null : decimal.Parse(line[CostComment.Length..], CultureInfo.InvariantCulture);
    }

    private static Task WaitForRequestsAsync(ConcurrentBag<Sent> results, int count) =>
        Eventually.ValueAsync(() => Task.FromResult(results.Count), answered => answered >= count, $"{count} requests answered", TimeSpan.FromMinutes(2));

    /// <summary>Restarts Redis through Aspire's command (as the dashboard does) and proves it by the server's new run id.</summary>
    private async Task RestartRedisAsync()
    {
        var connection = (await fixture.GetConnectionStringAsync("redis"))!;
        var before = await RedisRunIdAsync(connection);
        await ExecuteAsync("redis", KnownResourceCommands.RestartCommand);
        await WaitHealthyAsync("redis");
        await Eventually.TrueAsync(async () => await RedisRunIdAsync(connection) is { } after && after != before,
            "Redis to come back with a new run id", RestartTimeout, TimeSpan.FromMilliseconds(200));
    }

    private static async Task<string?> RedisRunIdAsync(string connection)
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(connection + ",abortConnect=false,connectTimeout=2000,allowAdmin=true");
            var info = await redis.GetServers()[0].InfoAsync("server");
            return info.SelectMany(g => g).FirstOrDefault(p => p.Key == "run_id").Value;
        }
        catch (RedisException)
        {
            return null;
        }
    }

    /// <summary>Restarts PostgreSQL through Aspire's command and proves it by the postmaster's new start time.</summary>
    private async Task RestartPostgresAsync()
    {
        var before = await PostgresStartTimeAsync();
        await ExecuteAsync("postgres", KnownResourceCommands.RestartCommand);
        await WaitHealthyAsync("postgres");
        await Eventually.TrueAsync(async () => await PostgresStartTimeAsync() is { } after && after != before,
            "PostgreSQL to come back with a new start time", RestartTimeout, TimeSpan.FromMilliseconds(200));
    }

    private async Task<DateTime?> PostgresStartTimeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb") + ";Pooling=false;Timeout=3");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_postmaster_start_time()", connection);
            return (DateTime)(await command.ExecuteScalarAsync())!;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Kills every ledger replica's process outright (a crash of the whole tier: no shutdown, the entries each had read
    /// left pending in the consumer group) and starts them again through Aspire's start command.
    /// </summary>
    private async Task RestartLedgerAsync()
    {
        var replicas = await fixture.InstancesOfAsync("cost-ledger");
        Assert.NotEmpty(replicas);
        foreach (var replica in replicas)
        {
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(replica, out var current), $"no state for {replica}");
            var pidText = current.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value?.ToString();
            Assert.False(string.IsNullOrEmpty(pidText), $"{replica}'s process id is not in its resource snapshot: " +
                string.Join(", ", current.Snapshot.Properties.Select(p => p.Name)));
            using var process = Process.GetProcessById(int.Parse(pidText, CultureInfo.InvariantCulture));
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        foreach (var replica in replicas)
        {
            await Eventually.TrueAsync(() => Task.FromResult(fixture.App.ResourceNotifications.TryGetCurrentState(replica, out var e)
                && e.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart"), $"{replica} to exit", RestartTimeout);
        }

        foreach (var replica in replicas)
        {
            await ExecuteAsync(replica, KnownResourceCommands.StartCommand);
        }

        foreach (var replica in replicas)
        {
            await Eventually.TrueAsync(() => Task.FromResult(fixture.App.ResourceNotifications.TryGetCurrentState(replica, out var e)
                && e.Snapshot.State?.Text == KnownResourceStates.Running
                && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy), $"{replica} to be healthy", RestartTimeout);
        }
    }

    private async Task ExecuteAsync(string resourceName, string command)
    {
        using var timeout = new CancellationTokenSource(RestartTimeout);
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resourceName, command, timeout.Token);
        Assert.True(result.Success, $"{command} on {resourceName}: {result.Message}");
    }

    private async Task WaitHealthyAsync(string resourceName)
    {
        using var timeout = new CancellationTokenSource(RestartTimeout);
        await fixture.App.ResourceNotifications.WaitForResourceAsync(resourceName,
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            timeout.Token);
    }

    private sealed record Row(string RequestId, decimal CostUsd, string Outcome);

    /// <summary>
    /// Waits until the ledger holds at least <paramref name="successes"/> successful rows of the team, then until a request
    /// sent after them through each gateway (another team's) is in the ledger too: a late row of the team (a duplicate,
    /// a billed failure still on its way) would have landed by then.
    /// </summary>
    private async Task<List<Row>> WaitForLedgerAsync(string team, int successes, params HttpClient[] gateways)
    {
        var clock = Stopwatch.StartNew();
        var rows = await Eventually.ValueAsync(() => ReadRowsAsync(team), r => r.Count(row => row.Outcome == "success") >= successes,
            $"{successes} successful ledger rows of team {team}", LedgerCatchUpTimeout, TimeSpan.FromMilliseconds(500));
        output.WriteLine($"ledger: {rows.Count} rows after {clock.Elapsed.TotalSeconds:0.0} s of catching up");

        var marker = team + "-m";
        var markers = new List<Sent>();
        for (var i = 0; i < gateways.Length; i++)
        {
            markers.Add(await SendAsync(gateways[i], marker, i));
            Assert.Equal(HttpStatusCode.OK, markers[^1].Status);
        }

        await Eventually.TrueAsync(async () => (await ReadRowsAsync(marker)).Count == markers.Count, "the later requests in the ledger", LedgerCatchUpTimeout,
            TimeSpan.FromMilliseconds(500));
        return await ReadRowsAsync(team);
    }

    private async Task<List<Row>> ReadRowsAsync(string team)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT request_id, cost_usd, outcome FROM cost_entries WHERE team = @team", connection);
        query.Parameters.AddWithValue("team", team);
        var rows = new List<Row>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.GetDecimal(1), reader.GetString(2)));
        }

        return rows;
    }
}
