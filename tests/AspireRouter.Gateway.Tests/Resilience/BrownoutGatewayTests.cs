using System.Net;
using System.Text;
using System.Text.Json;
using AspireRouter.Gateway.Breakers;
using Microsoft.Extensions.DependencyInjection;
using AspireRouter.Gateway.Resilience;

namespace AspireRouter.Gateway.Tests.Resilience;

/// <summary>
/// Partial provider failures through the in-process gateway (stub providers, local breakers): brownouts stay
/// available, rate limits cool endpoints without opening breakers, a total outage does not multiply attempts, and a
/// recovered model takes its traffic back gradually.
/// </summary>
public sealed class BrownoutGatewayTests
{
    private static readonly string[] LightChain = ["qwen-3-8b", "deepseek-v4-flash", "glm-4-9b"];

    private static Task<HttpResponseMessage> PostLightAsync(HttpClient client) =>
        client.PostAsync("/v1/chat/completions", new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    /// <summary>The request was answered by <paramref name="model"/> in <paramref name="region"/> after <paramref name="attempts"/> attempts, not in panic mode.</summary>
    private static void AssertServed(HttpResponseMessage response, string model, string region, int attempts)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(model, Header(response, "X-AspireRouter-Model"));
        Assert.Equal(region, Header(response, "X-AspireRouter-Region"));
        Assert.Equal(attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-AspireRouter-Attempts"));
        Assert.False(response.Headers.Contains("X-AspireRouter-Panic"));
    }

    /// <summary>Every light model, in both regions, fails <paramref name="rate"/> of its answers (seeded, so runs repeat).</summary>
    private static void FailAtRandom(GatewayFactory factory, double rate, HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var random = new Random(11);
        var gate = new Lock();
        foreach (var model in LightChain)
        {
            factory.Stub.On(model, (_, _) =>
            {
                bool fail;
                lock (gate)
                {
                    fail = random.NextDouble() < rate;
                }

                if (!fail)
                {
                    return Task.FromResult(StubProvider.Completion(model));
                }

                var response = new HttpResponseMessage(status) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
                if (retryAfter is { } delay)
                {
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
                }

                return Task.FromResult(response);
            });
        }
    }

    [Fact]
    public async Task ThirtyPercent5xxEverywhere_EveryRequestSucceeds_AndNoBreakerOpens()
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:05" });
        FailAtRandom(factory, 0.3, HttpStatusCode.ServiceUnavailable);
        var client = factory.CreateClient();

        for (var i = 0; i < 300; i++)
        {
            var response = await PostLightAsync(client);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        Assert.All(LightChain, model => Assert.Equal(BreakerState.Closed, breakers.StatusOf(model, "global").State));
        var attempts = factory.Stub.Requests.Count / 300.0;
        Assert.InRange(attempts, 1.2, 1.6); // 1 / (1 − 0.3) ≈ 1.43: a brownout costs its retries, no more
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FiftyPercent429Everywhere_RequestsSucceed_WithoutOpeningABreaker(bool withRetryAfter)
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:10" });
        FailAtRandom(factory, 0.5, HttpStatusCode.TooManyRequests, withRetryAfter ? TimeSpan.FromSeconds(1) : null);
        var client = factory.CreateClient();

        var ok = 0;
        for (var i = 0; i < 200; i++)
        {
            ok += (await PostLightAsync(client)).StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        Assert.True(ok >= 199, $"{ok} of 200 succeeded");
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        Assert.All(LightChain, model =>
        {
            var status = breakers.StatusOf(model, "global");
            Assert.Equal(BreakerState.Closed, status.State);
            Assert.Equal(0, status.WindowFailures);
        });
    }

    [Fact]
    public async Task EveryModelFailing_AttemptsPerRequestFallToAboutOne_AndTheAnswerSaysWhy()
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string> { ["Registry:Categories:light:Timeout"] = "00:00:05" });
        foreach (var model in LightChain)
        {
            factory.Stub.On(model, HttpStatusCode.ServiceUnavailable);
        }

        var client = factory.CreateClient();
        for (var i = 0; i < 100; i++)
        {
            await PostLightAsync(client);
        }

        var before = factory.Stub.Requests.Count;
        var codes = new List<string?>();
        for (var i = 0; i < 200; i++)
        {
            var response = await PostLightAsync(client);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            codes.Add(json.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        // Steady state: every request still tries the best candidate once (panic mode), almost never more.
        var perRequest = (factory.Stub.Requests.Count - before) / 200.0;
        Assert.InRange(perRequest, 1.0, 1.2);
        Assert.True(codes.Count(c => c == "retries_throttled") > 150, string.Join(", ", codes.Distinct()));
    }

    [Fact]
    public async Task ARegionDown_TheThrottleStopsExtraAttemptsThere_NotTheRequestsTheOtherRegionServes()
    {
        // Breakers kept out of it (they would open): the retry throttle alone must not fail a request global can serve.
        await using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["CircuitBreaker:FailureThreshold"] = "1000",
            ["Registry:Categories:regional-cn:Timeout"] = "00:00:05",
        });
        foreach (var model in new[] { "glm-5", "kimi-k2-5", "qwen-3-32b" })
        {
            factory.Stub.On(model, (request, _) => Task.FromResult(request.RequestUri!.Host.EndsWith(".cn.test", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{}") }
                : StubProvider.Completion(model)));
        }

        var client = factory.CreateClient();
        for (var i = 0; i < 150; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions",
                new StringContent("""{"model":"regional-cn","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("global", Header(response, "X-AspireRouter-Region"));
        }

        // The dead region gets about one attempt a request once the throttle has learnt it, not twelve.
        var throttle = factory.Services.GetRequiredService<RetryThrottle>().Snapshot();
        Assert.Contains(throttle, s => s.Scope == "glm-5@cn" && s.RefusalProbability > 0.9);
        Assert.Contains(throttle, s => s.Scope == "glm-5@global" && s.RefusalProbability == 0);
    }

    [Fact]
    public async Task RecoveredPrimary_TakesItsShareOfFirstAttemptsBackGradually()
    {
        await using var factory = new GatewayFactory(new Dictionary<string, string>
        {
            ["CircuitBreaker:OpenDuration"] = "00:00:01",
            ["CircuitBreaker:SyncInterval"] = "00:00:00.200",
            ["CircuitBreaker:RecoveryRamp"] = "01:00:00", // the share stays near its 10 % start for the whole test
        });
        factory.Stub.On("qwen-3-8b", HttpStatusCode.ServiceUnavailable);
        var client = factory.CreateClient();
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostLightAsync(client)).StatusCode);
        }

        Assert.Equal(BreakerState.Open, breakers.StatusOf("qwen-3-8b", "global").State);

        // Back: after the open period three trials close the breaker.
        factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(StubProvider.Completion("qwen-3-8b")));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("qwen-3-8b", Header(await PostLightAsync(client), "X-AspireRouter-Model"));
        }

        Assert.Equal(BreakerState.Closed, breakers.StatusOf("qwen-3-8b", "global").State);
        var share = breakers.RecoveryShare("qwen-3-8b", "global");
        Assert.InRange(share, 0.1, 0.11);

        var toPrimary = 0;
        for (var i = 0; i < 200; i++)
        {
            var response = await PostLightAsync(client);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            toPrimary += Header(response, "X-AspireRouter-Model") == "qwen-3-8b" ? 1 : 0;
        }

        Assert.InRange(toPrimary, 5, 45); // binomial(200, 0.1): 20 ± 4
    }

    [Fact]
    public async Task A429WithoutRetryAfter_IsRetriedAtOnceOnTheSameModel_WhileOtherRequestsSkipItsCoolDown()
    {
        // The primary answers its first call with a 429 without Retry-After (a guessed cool-down of 0.5–1.5 s follows),
        // then serves: as an SDK retries a blind 429, the request that drew it retries the primary at once.
        await using var factory = new GatewayFactory();
        var calls = 0;
        factory.Stub.On("qwen-3-8b", (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}", Encoding.UTF8, "application/json") }
            : StubProvider.Completion("qwen-3-8b")));
        var client = factory.CreateClient();

        var first = await PostLightAsync(client);

        AssertServed(first, "qwen-3-8b", "global", 2);

        // The cool-down is still shared: the next request, within it, starts on the next model of the chain.
        var second = await PostLightAsync(client);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("deepseek-v4-flash", Header(second, "X-AspireRouter-Model"));
        Assert.Equal("1", Header(second, "X-AspireRouter-Attempts"));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task HomeEndpointsThatKeepAnswering429WithoutRetryAfter_AreRetriedBeforeTheOtherRegion()
    {
        // Every global light model answers 429 without Retry-After until its fourth call; cn serves at once but is
        // 200–400 ms away in a deployment.
        await using var factory = new GatewayFactory();
        var calls = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        foreach (var model in LightChain)
        {
            factory.Stub.On(model, (request, _) =>
            {
                var global = request.RequestUri!.Host.Contains(".global.", StringComparison.Ordinal);
                return Task.FromResult(global && calls.AddOrUpdate(model, 1, (_, n) => n + 1) < 4
                    ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}", Encoding.UTF8, "application/json") }
                    : StubProvider.Completion(model));
            });
        }

        var response = await PostLightAsync(factory.CreateClient());

        // The primary is retried at once up to the SDKs' four tries and serves on the fourth, never leaving the region.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("global", Header(response, "X-AspireRouter-Region"));
        Assert.Equal("qwen-3-8b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("4", Header(response, "X-AspireRouter-Attempts"));
        Assert.DoesNotContain(factory.Stub.Requests, r => r.Uri.Host.Contains(".cn.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HomeEndpointsThatAnswered429WithRetryAfter_AreNotTriedAgain_TheOtherRegionServes()
    {
        // A Retry-After is the provider's word: within the request it is not overridden while another region can serve.
        await using var factory = new GatewayFactory();
        foreach (var model in LightChain)
        {
            factory.Stub.On(model, (request, _) => Task.FromResult(request.RequestUri!.Host.Contains(".global.", StringComparison.Ordinal)
                ? new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}", Encoding.UTF8, "application/json"), Headers = { RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1)) } }
                : StubProvider.Completion(model)));
        }

        var response = await PostLightAsync(factory.CreateClient());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
        Assert.Equal("4", Header(response, "X-AspireRouter-Attempts"));
    }

    /// <summary>Cools every global light endpoint down as other requests' 429s would: guessed, or for the provider's Retry-After.</summary>
    private static async Task CoolEveryGlobalLightModelAsync(GatewayFactory factory, TimeSpan? retryAfter, string region = "global")
    {
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        foreach (var model in LightChain)
        {
            await breakers.RecordAsync(await breakers.AdmitAsync(model, region), BreakerOutcome.RateLimited, retryAfter);
            Assert.True(breakers.StatusOf(model, region).IsCooling(DateTimeOffset.UtcNow));
        }
    }

    /// <summary>
    /// Other requests' 429s left every global light endpoint cooling. A guess (no Retry-After, 0.5–1.5 s) only sends
    /// first attempts to the region's other candidates: with none left, the request tries the region's own in the
    /// chain's order before it pays the other region's distance. The provider's Retry-After is left alone while the
    /// other region can serve.
    /// </summary>
    [Theory]
    [InlineData(0, "global", "cn")]
    [InlineData(30, "cn", "global")]
    public async Task HomeEndpointsCooling_AreTriedBeforeTheOtherRegion_OnlyWhenTheCoolDownIsAGuess(int retryAfterSeconds, string servedIn, string untouched)
    {
        await using var factory = new GatewayFactory();
        await CoolEveryGlobalLightModelAsync(factory, retryAfterSeconds == 0 ? null : TimeSpan.FromSeconds(retryAfterSeconds));

        var response = await PostLightAsync(factory.CreateClient());

        AssertServed(response, "qwen-3-8b", servedIn, 1);
        Assert.DoesNotContain(factory.Stub.Requests, r => r.Uri.Host.Contains($".{untouched}.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARequestBoundToOneRegion_TriesItsGuessedCoolDownsBeforePanicMode()
    {
        await using var factory = new GatewayFactory();
        await CoolEveryGlobalLightModelAsync(factory, retryAfter: null, region: "cn");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"light","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(AspireRouter.Gateway.Routing.ResidencyRequirement.Header, "cn");

        var response = await factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("qwen-3-8b", Header(response, "X-AspireRouter-Model"));
        Assert.Equal("cn", Header(response, "X-AspireRouter-Region"));
        Assert.False(response.Headers.Contains("X-AspireRouter-Panic"));
    }

    [Theory]
    [InlineData(400, "qwen-3-8b")] // the next candidate is four times slower: the guess is tried past first
    [InlineData(130, "deepseek-v4-flash")] // about as fast: the guess steers the request to it
    public async Task AGuessedCoolDown_SteersFirstAttemptsOnlyToCandidatesAboutAsFast(int nextMs, string servedBy)
    {
        await using var factory = new GatewayFactory();
        var tracker = factory.Services.GetRequiredService<AspireRouter.Gateway.Latency.LocalLatencyTracker>();
        for (var i = 0; i < 20; i++)
        {
            tracker.Record("qwen-3-8b", "global", TimeSpan.FromMilliseconds(100), success: true);
            tracker.Record("deepseek-v4-flash", "global", TimeSpan.FromMilliseconds(nextMs), success: true);
            tracker.Record("glm-4-9b", "global", TimeSpan.FromMilliseconds(120), success: true);
        }

        tracker.Refresh();
        await factory.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AspireRouter.Gateway.Latency.SharedLatencyService>().Single().RefreshAsync();
        var breakers = factory.Services.GetRequiredService<ICircuitBreakers>();
        await breakers.RecordAsync(await breakers.AdmitAsync("qwen-3-8b", "global"), BreakerOutcome.RateLimited);

        var response = await PostLightAsync(factory.CreateClient());

        AssertServed(response, servedBy, "global", 1);
    }
}
