using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AspireRouter.AppHost.Tests;

/// <summary>
/// Keys survive a Redis flush and a Redis restart in the running application: a virtual key issued through the
/// ledger keeps working on both gateways throughout (never a 401) and is back in Redis within about a second.
/// </summary>
[Collection(DisruptiveAppCollection.Name)]
public sealed class KeysThroughRedisLossEndToEndTests(AspireRouterAppFixture fixture, ITestOutputHelper output)
{
    private const string AdminKey = "local-admin";
    private static readonly TimeSpan RestartTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task IssuedKey_KeepsWorkingThroughAFlushAndARestartOfRedis_AndIsMirroredBackWithinASecond()
    {
        var (secret, hash) = await IssueAsync();
        var answers = new ConcurrentQueue<(string Gateway, HttpStatusCode Status, string Body)>();
        using var stop = new CancellationTokenSource();
        var traffic = Task.WhenAll(((string[])["gateway-global", "gateway-cn"]).Select(g => SendUntilAsync(g, secret, answers, stop.Token)));
        await Eventually.TrueAsync(() => Task.FromResult(answers.Count(a => a.Status == HttpStatusCode.OK) >= 10), "the key served", TimeSpan.FromSeconds(30));

        var connection = (await fixture.GetConnectionStringAsync("redis"))! + ",abortConnect=false,connectTimeout=2000,allowAdmin=true";
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connection))
        {
            await redis.GetServers()[0].FlushAllDatabasesAsync();
            var flushed = Stopwatch.StartNew();
            await Eventually.TrueAsync(() => redis.GetDatabase().HashExistsAsync(RedisKeys.ApiKeys, hash), "the key mirrored after FLUSHALL",
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20));
            output.WriteLine($"Key back in Redis {flushed.ElapsedMilliseconds} ms after FLUSHALL.");
        }

        var before = answers.Count;
        var runId = await RunIdAsync(connection);
        await ExecuteAsync("redis", KnownResourceCommands.RestartCommand);
        var restarted = await WaitForNewRedisAsync(connection, runId);
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(connection))
        {
            await Eventually.TrueAsync(() => redis.GetDatabase().HashExistsAsync(RedisKeys.ApiKeys, hash), "the key mirrored into the restarted Redis",
                TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20));
            output.WriteLine($"Key back in Redis {restarted.ElapsedMilliseconds} ms after the restarted Redis answered.");
        }

        // Traffic went on through the restart and after it.
        await Eventually.TrueAsync(() => Task.FromResult(answers.Count >= before + 20), "requests after the restart", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await traffic;
        var statuses = answers.GroupBy(a => (a.Gateway, a.Status)).Select(g => $"{g.Key.Gateway} {(int)g.Key.Status}: {g.Count()}");
        output.WriteLine(string.Join(", ", statuses));
        Assert.DoesNotContain(answers, a => a.Status == HttpStatusCode.Unauthorized);
        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.OK, $"{a.Gateway}: {(int)a.Status} {a.Body}"));
    }

    private async Task<(string Secret, string Hash)> IssueAsync()
    {
        using var ledger = fixture.CreateHttpClient("cost-ledger");
        using var create = new HttpRequestMessage(HttpMethod.Post, "/v1/admin/keys")
        {
            Content = JsonContent.Create(new { team = $"redis-loss-{Guid.NewGuid():N}"[..24], name = "e2e" }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await ledger.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var json = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var secret = json.RootElement.GetProperty("secret").GetString()!;
        return (secret, ApiKeySecrets.Hash(secret));
    }

    private async Task SendUntilAsync(string gateway, string secret, ConcurrentQueue<(string, HttpStatusCode, string)> answers, CancellationToken stop)
    {
        using var client = fixture.CreateHttpClient(gateway);
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = new StringContent("""{"model":"light","max_tokens":8,"messages":[{"role":"user","content":"Say hi."}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await client.SendAsync(request, CancellationToken.None);
            answers.Enqueue((gateway, response.StatusCode, response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(CancellationToken.None)));
        }
    }

    /// <summary>Waits until Redis answers with a run id other than <paramref name="before"/>; the clock starts when it does.</summary>
    private static async Task<Stopwatch> WaitForNewRedisAsync(string connection, string? before)
    {
        await Eventually.TrueAsync(async () => await RunIdAsync(connection) is { } after && after != before, "Redis to come back with a new run id",
            RestartTimeout, TimeSpan.FromMilliseconds(50));
        return Stopwatch.StartNew();
    }

    private static async Task<string?> RunIdAsync(string connection)
    {
        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
            var info = await redis.GetServers()[0].InfoAsync("server");
            return info.SelectMany(g => g).FirstOrDefault(p => p.Key == "run_id").Value;
        }
        catch (RedisException)
        {
            return null;
        }
    }

    private async Task ExecuteAsync(string resourceName, string command)
    {
        using var timeout = new CancellationTokenSource(RestartTimeout);
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resourceName, command, timeout.Token);
        Assert.True(result.Success, $"{command} on {resourceName}: {result.Message}");
    }
}
