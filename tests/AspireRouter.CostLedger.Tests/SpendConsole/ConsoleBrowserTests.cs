using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AspireRouter.Contracts.Redis;
using AspireRouter.CostLedger.SpendConsole;
using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AspireRouter.CostLedger.Tests.SpendConsole;

/// <summary>
/// The console in a real browser (headless system Chromium) against a real ledger, PostgreSQL and Redis: the charts
/// draw the seeded spend and routing state, a team key sees only its team, the page logs no error, loads nothing from
/// another origin and fits a phone's width.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ConsoleBrowserTests(LedgerInfrastructure infrastructure, ConsoleBrowser browser) : IClassFixture<ConsoleBrowser>
{
    [Fact]
    public async Task AdminKey_ChartsAndTablesShowEveryTeamsSpendAndTheRoutingState()
    {
        var ledger = await browser.LedgerAsync(infrastructure);
        await using var session = await ConsolePage.OpenAsync(browser.Browser, ledger, SeededConsoleLedger.AdminKey);
        var page = session.Page;

        Assert.Equal("all teams (admin)", await page.TextContentAsync("#scope"));

        // Spend over time: one stacked dataset per team, drawn, with the ledger's totals in the table beside it.
        var teams = SeededConsoleLedger.SpendBy(r => r.Team);
        decimal ads = teams["ads"], search = teams["search"], total = ads + search;
        Assert.Equal(teams, await DatasetTotalsAsync(page, "spend-chart"));
        Assert.True(await PaintedPixelsAsync(page, "spend-chart") > 500, "the spend chart's canvas is blank");
        Assert.Equal([$"ads {Usd(ads)} {Percent(ads, total)}", $"search {Usd(search)} {Percent(search, total)}"], await RowsAsync(page, "#spend-table"));

        Assert.Equal(Usd(total), await page.TextContentAsync("#savings-actual"));
        Assert.Equal(["ads", "search"], await page.EvalOnSelectorAllAsync<string[]>("#budget-list [data-team]", "els => els.map(e => e.dataset.team)"));
        var keys = await RowsAsync(page, "#keys-table");
        Assert.Equal([$"(no key) 2 {Usd(ads)}", $"{ledger.SearchKeyId} 3 {Usd(search)}"], keys);

        // Routing: percentiles, breaker, cool-down and last probe per model and region, from the shared Redis state.
        var routing = await RowsAsync(page, "#routing-table");
        Assert.Equal(20, routing.Count);
        AssertRow(@"^deepseek-v4-flash global \d+ ms \d+ ms \d+ ms 100 0\.0 % closed — \d+ s ago$", routing, "deepseek-v4-flash global");
        AssertRow(@"^qwen-3-32b cn [\d.]+ s [\d.]+ s [\d.]+ s 100 1\.0 % closed — —$", routing, "qwen-3-32b cn");
        AssertRow(@"^qwen-3-8b global — — — 0 0\.0 % open — —$", routing, "qwen-3-8b global");
        AssertRow(@"^kimi-k2-5 cn — — — 0 0\.0 % cooling down \d+ s left —$", routing, "kimi-k2-5 cn");
        var latency = await page.EvaluateAsync<string[]>("() => Chart.getChart('latency-chart').data.labels");
        Assert.Equal(["deepseek-v4-flash · global", "qwen-3-32b · cn"], latency);
        Assert.True(await PaintedPixelsAsync(page, "latency-chart") > 500, "the latency chart's canvas is blank");

        // Served under a policy without inline script, everything from the ledger itself, no error logged.
        Assert.Equal(SpendConsoleApi.ContentSecurityPolicy, session.PageHeaders["content-security-policy"]);
        Assert.All(session.Requests, url => Assert.StartsWith(ledger.Address.ToString(), url, StringComparison.Ordinal));
        Assert.Contains(session.Requests, url => url.EndsWith("/console/vendor/chart.umd.min.js", StringComparison.Ordinal));
        Assert.Empty(session.Errors);

        var screenshot = Environment.GetEnvironmentVariable("CONSOLE_SCREENSHOT") is { Length: > 0 } target
            ? target : Path.Combine(AppContext.BaseDirectory, "console.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
    }

    [Fact]
    public async Task TeamKey_SeesOnlyItsOwnTeam()
    {
        var ledger = await browser.LedgerAsync(infrastructure);
        await using var session = await ConsolePage.OpenAsync(browser.Browser, ledger, ledger.SearchKey);
        var page = session.Page;

        Assert.Equal("team search", await page.TextContentAsync("#scope"));
        Assert.Equal("model", await page.InputValueAsync("#group"));
        var models = SeededConsoleLedger.SpendBy(r => r.Model, r => r.Team == "search");
        Assert.Equal(models, await DatasetTotalsAsync(page, "spend-chart"));
        var search = models.Values.Sum();
        Assert.Equal(Usd(search), await page.TextContentAsync("#savings-actual"));
        Assert.Equal(["search"], await page.EvalOnSelectorAllAsync<string[]>("#budget-list [data-team]", "els => els.map(e => e.dataset.team)"));
        Assert.Equal([$"{ledger.SearchKeyId} 3 {Usd(search)}"], await RowsAsync(page, "#keys-table"));
        foreach (var section in new[] { "#spend", "#savings", "#budgets", "#keys" })
        {
            Assert.DoesNotContain("ads", await page.InnerTextAsync(section), StringComparison.Ordinal);
            Assert.DoesNotContain("qwen-3-32b", await page.InnerTextAsync(section), StringComparison.Ordinal); // only ads used it
            Assert.DoesNotContain("reasoning", await page.InnerTextAsync(section), StringComparison.Ordinal); // nor this category
        }

        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task PhoneWidth_NothingOverflowsSideways()
    {
        var ledger = await browser.LedgerAsync(infrastructure);
        await using var session = await ConsolePage.OpenAsync(browser.Browser, ledger, SeededConsoleLedger.AdminKey, width: 390, height: 844);
        var page = session.Page;

        Assert.Equal(390, await page.EvaluateAsync<int>("() => document.documentElement.clientWidth"));
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390, "the page scrolls sideways at 390 px");
        var widest = await page.EvalOnSelectorAllAsync<double>("section, canvas, header", "els => Math.max(...els.map(e => e.getBoundingClientRect().right))");
        Assert.True(widest <= 390, $"an element reaches {widest} px at 390 px");
        Assert.True(await PaintedPixelsAsync(page, "spend-chart") > 500, "the spend chart's canvas is blank");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task RefreshesItself_AndAWrongKeyAsksAgain()
    {
        var ledger = await browser.LedgerAsync(infrastructure);
        await using var session = await ConsolePage.OpenAsync(browser.Browser, ledger, SeededConsoleLedger.AdminKey);
        var page = session.Page;

        // A breaker opens after the page loaded: the next refresh shows it, nobody reloads.
        await ledger.Harness.Redis.HashSetAsync(RedisKeys.Breaker("glm-5", "cn"),
            [new(BreakerFields.State, BreakerStates.Open), new(BreakerFields.OpenUntil, DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds())]);
        await page.WaitForFunctionAsync(
            "() => [...document.querySelectorAll('#routing-table tbody tr')].some(r => r.innerText.startsWith('glm-5\\tcn') && r.innerText.includes('open'))",
            null, new PageWaitForFunctionOptions { Timeout = 15_000 });

        Assert.Equal("Forget key", await page.TextContentAsync("#key-button"));
        await page.ClickAsync("#key-button");
        await page.FillAsync("#key", "ar-not-a-real-key");
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForFunctionAsync("() => document.getElementById('sign-in-message').textContent.includes('not valid')");
        Assert.True(await page.IsHiddenAsync("#console"));
        Assert.Empty(session.Errors);
    }

    /// <summary>As the page writes dollars: 2 decimals, up to 4 below a dollar.</summary>
    private static string Usd(decimal value) =>
        value.ToString(value is > -1 and < 1 && value != 0 ? "$#,##0.00##" : "$#,##0.00", CultureInfo.InvariantCulture);

    private static string Percent(decimal part, decimal whole) => (part / whole * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static async Task<Dictionary<string, decimal>> DatasetTotalsAsync(IPage page, string canvas)
    {
        var totals = await page.EvaluateAsync<JsonElement>(
            "id => Chart.getChart(id).data.datasets.map(d => [d.label, d.data.reduce((a, b) => a + b, 0)])", canvas);
        return totals.EnumerateArray().ToDictionary(t => t[0].GetString()!, t => Math.Round(t[1].GetDecimal(), 6));
    }

    /// <summary>Pixels the chart actually drew (non-transparent), read back from its canvas.</summary>
    private static Task<int> PaintedPixelsAsync(IPage page, string canvas) => page.EvaluateAsync<int>(
        "id => { const c = document.getElementById(id); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; " +
        "let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }", canvas);

    /// <summary>Each body row of a table as its cells' text joined by single spaces.</summary>
    private static async Task<List<string>> RowsAsync(IPage page, string table) => [.. await page.EvalOnSelectorAllAsync<string[]>(
        $"{table} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()).join(' '))")];

    private static void AssertRow(string pattern, List<string> rows, string prefix)
    {
        var row = rows.Single(r => r.StartsWith(prefix + " ", StringComparison.Ordinal));
        Assert.True(Regex.IsMatch(row, pattern), $"'{row}' does not match {pattern}");
    }
}

/// <summary>One browser context on the console, signed in with a key, after its first complete refresh.</summary>
internal sealed class ConsolePage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private ConsolePage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Console errors, warnings and uncaught exceptions of the page.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Every URL the page requested.</summary>
    public List<string> Requests { get; } = [];

    public Dictionary<string, string> PageHeaders { get; private set; } = [];

    public static async Task<ConsolePage> OpenAsync(IBrowser browser, SeededConsoleLedger ledger, string key, int width = 1280, int height = 1400)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = ledger.Address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
        });
        var page = await context.NewPageAsync();
        var session = new ConsolePage(context, page);
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                session.Errors.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => session.Errors.Add($"exception: {error}");
        page.Request += (_, request) => session.Requests.Add(request.Url);

        var response = await page.GotoAsync("/console");
        session.PageHeaders = new Dictionary<string, string>(response!.Headers, StringComparer.OrdinalIgnoreCase);
        await page.FillAsync("#key", key);
        await page.ClickAsync("#sign-in-form button");
        await page.WaitForFunctionAsync("() => Number(document.body.dataset.refreshes || 0) >= 1", null,
            new PageWaitForFunctionOptions { Timeout = 15_000 });
        return session;
    }

    public async ValueTask DisposeAsync()
    {
        await Page.CloseAsync();
        await _context.DisposeAsync();
    }
}
