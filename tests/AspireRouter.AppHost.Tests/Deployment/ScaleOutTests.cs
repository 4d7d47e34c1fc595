using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests.Deployment;

/// <summary>
/// Scale-out proven on one machine: gateway-global ×3 and the cost ledger ×2 behind Aspire's proxy. A key's RPM limit
/// holds across the three gateways together, a breaker opened through one gateway is open in the others, and under
/// sustained load a gateway replica stopped and a ledger replica killed lose no cost event: every successful response
/// is exactly one ledger row.
/// </summary>
[Collection(ScaleOutAppCollection.Name)]
public sealed class ScaleOutTests(ScaleOutAppFixture fixture, ITestOutputHelper output)
{
    private const string Gateway = "gateway-global";
    private const string Ledger = "cost-ledger";
    private const string AdminKey = "local-admin";
    private static readonly TimeSpan ReplicaTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task KeyRpmLimit_HammeredThroughEveryReplicaAndTheProxy_AdmitsTheLimitInTotal()
    {
        const int Limit = 10;
        const int PerTarget = 12;
        var replicas = await fixture.WaitForReplicasAsync(Gateway, 3, ReplicaTimeout);
        var secret = await CreateKeyAsync($"rpm-{Guid.NewGuid():N}"[..20], Limit);
        List<HttpClient> targets = [.. replicas.Select(r => Client(r.Url)), Client(fixture.GetBaseUri(Gateway))];
        try
        {
            // Every replica knows the key: a category it may not use is a 403, not a 401, and takes no slot of its limit.
            foreach (var (replica, i) in replicas.Select((r, i) => (r, i)))
            {
                await Eventually.TrueAsync(async () => (await SendAsync(targets[i], secret, "reasoning", $"probe-{i}")).Status == HttpStatusCode.Forbidden,
                    $"{replica.Id} to know the new key", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200));
            }

            var sent = await Task.WhenAll(targets.SelectMany((target, t) =>
                Enumerable.Range(0, PerTarget).Select(i => SendAsync(target, secret, "light", $"rpm-{t}-{i}"))));

            output.WriteLine(string.Join(", ", sent.GroupBy(s => s.Status).Select(g => $"{(int)g.Key}: {g.Count()}")));
            Assert.Equal(Limit, sent.Count(s => s.Status == HttpStatusCode.OK));
            Assert.Equal(sent.Length - Limit, sent.Count(s => s.Status == HttpStatusCode.TooManyRequests));
        }
        finally
        {
            targets.ForEach(t => t.Dispose());
        }
    }

    [Fact]
    public async Task GatewayReplicas_SharingTheMachineName_EachHoldTheirOwnCostSpoolSlot()
    {
        var replicas = await fixture.WaitForReplicasAsync(Gateway, 3, ReplicaTimeout);

        // Each replica's gateway process holds its slot's .owner open (and locked); Aspire's process is `dotnet run`, its parent.
        var spool = Path.Combine(replicas[0].WorkingDirectory, ".data", "cost-spool", "global") + Path.DirectorySeparatorChar;
        var slots = replicas.Select(r => ProcessTree(r.ProcessId)
            .SelectMany(OpenFiles)
            .Where(file => file.StartsWith(spool, StringComparison.Ordinal) && file.EndsWith("/.owner", StringComparison.Ordinal))
            .Select(Path.GetDirectoryName).SingleOrDefault()).ToList();
        output.WriteLine(string.Join(", ", replicas.Zip(slots, (r, s) => $"{r.Id} (pid {r.ProcessId}): {s}")));
        Assert.All(slots, Assert.NotNull);
        Assert.Equal(3, slots.Distinct().Count());
    }

    [Fact]
    public async Task BreakerOpenedThroughOneReplica_IsOpenInTheOthers()
    {
        const string Model = "qwen-3-5-397b"; // the last of reasoning's chain: no other test here sends it traffic
        var replicas = await fixture.WaitForReplicasAsync(Gateway, 3, ReplicaTimeout);
        List<HttpClient> gateways = [.. replicas.Select(r => Client(r.Url))];
        using var simulator = fixture.CreateHttpClient("providers-global");
        Assert.All(await Task.WhenAll(gateways.Select(g => BreakerStateAsync(g, Model))), state => Assert.Equal("closed", state));

        (await simulator.PutAsJsonAsync($"/admin/faults/{Model}", new { errorRate = 1.0, status = 503 })).EnsureSuccessStatusCode();
        try
        {
            // Only the first replica sends the model traffic; its failures open the breaker in Redis.
            var attempts = 0;
            await Eventually.TrueAsync(async () =>
            {
                await SendAsync(gateways[0], null, Model, $"breaker-{attempts++}");
                return await BreakerStateAsync(gateways[0], Model) == "open";
            }, $"{replicas[0].Id} to open {Model}'s breaker", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));

            foreach (var (gateway, replica) in gateways.Zip(replicas).Skip(1))
            {
                await Eventually.TrueAsync(async () => await BreakerStateAsync(gateway, Model) == "open",
                    $"{replica.Id} to see {Model}'s breaker open", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(100));
            }

            output.WriteLine($"breaker opened after {attempts} requests to {replicas[0].Id}; open in all three replicas");
        }
        finally
        {
            (await simulator.DeleteAsync(new Uri($"/admin/faults/{Model}", UriKind.Relative))).EnsureSuccessStatusCode();
            gateways.ForEach(g => g.Dispose());
        }
    }

    [Fact]
    public async Task GatewayReplicaStoppedAndLedgerReplicaKilledUnderLoad_EverySuccessIsExactlyOneLedgerRow()
    {
        const int Workers = 6;
        const int Step = 60;
        var team = $"scale-{Guid.NewGuid():N}"[..24];
        var gateways = await fixture.WaitForReplicasAsync(Gateway, 3, ReplicaTimeout);
        var ledgers = await fixture.WaitForReplicasAsync(Ledger, 2, ReplicaTimeout);
        using var proxy = Client(fixture.GetBaseUri(Gateway));
        var results = new ConcurrentBag<Sent>();
        using var stopSending = new CancellationTokenSource();
        var next = -1;
        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (!stopSending.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                results.Add(await SendAsync(proxy, null, i % 3 == 0 ? "general" : "light", $"{team}-{i}", team, streamed: i % 2 == 1));
            }
        })).ToList();

        try
        {
            var clock = Stopwatch.StartNew();
            try
            {
                await WaitForAnswersAsync(results, Step);
                // A gateway replica goes away as a platform removes one (SIGTERM: in-flight requests finish, queued events are flushed).
                await TerminateAsync(gateways[0]);
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {gateways[0].Id} stopped ({results.Count} answered)");

                await WaitForAnswersAsync(results, results.Count + Step);
                // A ledger replica crashes (SIGKILL): what it read but did not acknowledge is claimed by the other.
                using (var process = Process.GetProcessById(ledgers[0].ProcessId))
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }

                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {ledgers[0].Id} killed ({results.Count} answered)");
                await WaitForAnswersAsync(results, results.Count + Step);
            }
            finally
            {
                await stopSending.CancelAsync();
                await Task.WhenAll(workers);
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {results.Count} answered");

            var sent = results.ToList();
            var succeeded = sent.Where(s => s.Status == HttpStatusCode.OK).ToList();
            output.WriteLine($"{succeeded.Count} of {sent.Count} succeeded; failures: " +
                             string.Join(", ", sent.Where(s => s.Status != HttpStatusCode.OK).GroupBy(s => s.Status).Select(g => $"{(int)g.Key}: {g.Count()}")));
            Assert.True(succeeded.Count >= sent.Count * 0.9, $"Only {succeeded.Count} of {sent.Count} requests succeeded.");

            var rows = await WaitForLedgerAsync(team, succeeded.Count, proxy);
            var successRows = rows.Where(r => r.Outcome == "success").ToList();
            Assert.Equal(succeeded.Select(s => s.RequestId).Order(), successRows.Where(r => succeeded.Any(s => s.RequestId == r.RequestId))
                .Select(r => r.RequestId).Order());
            // A success row no client saw succeed is a request cut off with the stopped replica after the gateway finished it.
            var cutOff = sent.Where(s => s.Status != HttpStatusCode.OK).Select(s => s.CorrelationId).ToHashSet();
            Assert.All(successRows.Where(r => succeeded.All(s => s.RequestId != r.RequestId)), r => Assert.Contains(r.CorrelationId ?? "", cutOff));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {successRows.Count} success rows, {rows.Count - successRows.Count} other rows");
        }
        finally
        {
            // Back to three and two for the other tests of this application, whatever happened.
            await StartIfStoppedAsync(gateways[0].Id);
            await StartIfStoppedAsync(ledgers[0].Id);
            await fixture.WaitForReplicasAsync(Gateway, 3, ReplicaTimeout);
            await fixture.WaitForReplicasAsync(Ledger, 2, ReplicaTimeout);
        }
    }

    /// <summary><paramref name="pid"/> and its descendants (Linux: <c>/proc/{pid}/task/*/children</c>), as text.</summary>
    private static List<string> ProcessTree(int pid)
    {
        List<string> tree = [pid.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        for (var i = 0; i < tree.Count; i++)
        {
            var tasks = $"/proc/{tree[i]}/task";
            if (Directory.Exists(tasks))
            {
                tree.AddRange(Directory.EnumerateDirectories(tasks).Select(t => Path.Combine(t, "children")).Where(File.Exists)
                    .SelectMany(children => File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries)));
            }
        }

        return tree;
    }

    /// <summary>One request: the gateway's id (the client's when no answer came back), the client's id, and the status.</summary>
    private sealed record Sent(string RequestId, string CorrelationId, HttpStatusCode Status);

    private sealed record Row(string RequestId, string? CorrelationId, string Outcome);

    private static HttpClient Client(Uri baseAddress) => new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<Sent> SendAsync(HttpClient gateway, string? key, string model, string correlationId, string? team = null, bool streamed = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(
                $$"""{"model":"{{model}}","stream":{{(streamed ? "true" : "false")}},"max_tokens":32,"messages":[{"role":"user","content":"Name a fruit ({{correlationId}})."}]}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Request-Id", correlationId);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (team is not null)
        {
            request.Headers.Add("X-AspireRouter-Team", team);
        }

        try
        {
            using var response = await gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();
            var id = response.Headers.TryGetValues("X-AspireRouter-Request-Id", out var ids) ? ids.Single() : correlationId;
            // A stream counts as a success only when it ended properly.
            var complete = !streamed || response.StatusCode != HttpStatusCode.OK || body.Contains("data: [DONE]", StringComparison.Ordinal);
            return new Sent(id, correlationId, complete ? response.StatusCode : 0);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Sent(correlationId, correlationId, 0);
        }
    }

    private async Task<string> CreateKeyAsync(string team, int requestsPerMinute)
    {
        using var ledger = fixture.CreateHttpClient(Ledger);
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/keys")
        {
            Content = JsonContent.Create(new { team, name = "scale-out", allowedCategories = new[] { "light" }, requestsPerMinute }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await ledger.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("secret").GetString()!;
    }

    private static async Task<string> BreakerStateAsync(HttpClient gateway, string model)
    {
        using var json = JsonDocument.Parse(await gateway.GetStringAsync("/v1/router/status"));
        return json.RootElement.GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("model").GetString() == model && m.GetProperty("region").GetString() == "global")
            .GetProperty("breaker_detail").GetProperty("state").GetString()!;
    }

    private static Task WaitForAnswersAsync(ConcurrentBag<Sent> results, int count) =>
        Eventually.ValueAsync(() => Task.FromResult(results.Count), answered => answered >= count, $"{count} requests answered", TimeSpan.FromMinutes(1));

    /// <summary>
    /// Stops a gateway replica as a platform does (SIGTERM to the gateway's own process, the child of Aspire's
    /// <c>dotnet run</c>: it drains its requests and flushes its queued cost events) and waits until Aspire sees it exit.
    /// Aspire's stop command gives up while a busy gateway still drains on a loaded machine.
    /// </summary>
    private async Task TerminateAsync(ScaleOutAppFixture.Replica replica)
    {
        var app = ProcessTree(replica.ProcessId).Skip(1)
            .Single(pid => File.ReadAllText($"/proc/{pid}/cmdline").Contains("AspireRouter.Gateway", StringComparison.Ordinal));
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", app } })!)
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(fixture.App.ResourceNotifications.TryGetCurrentState(replica.Id, out var e)
            && e.Snapshot.State?.Text is "Finished" or "Exited" or "Terminated"), $"{replica.Id} to exit", ReplicaTimeout);
    }

    /// <summary>The files a process has open (Linux: the targets of <c>/proc/{pid}/fd/*</c>).</summary>
    private static IEnumerable<string> OpenFiles(string pid)
    {
        var fds = $"/proc/{pid}/fd";
        return Directory.Exists(fds)
            ? Directory.EnumerateFileSystemEntries(fds).Select(fd => new FileInfo(fd).LinkTarget).OfType<string>().ToList()
            : [];
    }

    private async Task StartIfStoppedAsync(string replicaId)
    {
        if (fixture.App.ResourceNotifications.TryGetCurrentState(replicaId, out var e) && e.Snapshot.State?.Text == KnownResourceStates.Running)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(ReplicaTimeout);
        var result = await fixture.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(replicaId, KnownResourceCommands.StartCommand, timeout.Token);
        Assert.True(result.Success, $"start {replicaId}: {result.Message}");
    }

    /// <summary>
    /// Waits for <paramref name="successes"/> success rows of the team, then for a later request's row (another team's):
    /// a late duplicate of the team would have landed by then.
    /// </summary>
    private async Task<List<Row>> WaitForLedgerAsync(string team, int successes, HttpClient gateway)
    {
        await Eventually.TrueAsync(async () => (await ReadRowsAsync(team)).Count(r => r.Outcome == "success") >= successes,
            $"{successes} success rows of {team}", TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(250));
        var marker = team + "-m";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, null, "light", marker, marker)).Status);
        await Eventually.TrueAsync(async () => (await ReadRowsAsync(marker)).Count == 1, "the later request's row", TimeSpan.FromMinutes(1),
            TimeSpan.FromMilliseconds(250));
        return await ReadRowsAsync(team);
    }

    private async Task<List<Row>> ReadRowsAsync(string team)
    {
        await using var connection = new NpgsqlConnection(await fixture.GetConnectionStringAsync("ledgerdb"));
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT request_id, correlation_id, outcome FROM cost_entries WHERE team = @team", connection);
        query.Parameters.AddWithValue("team", team);
        var rows = new List<Row>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
