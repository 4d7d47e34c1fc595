using AspireRouter.CostLedger.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AspireRouter.CostLedger.Tests.SpendConsole;

/// <summary>
/// One headless Chromium and one seeded ledger for a test class: the browser is the system's browser (<c>apt-get install chromium</c>, which
/// <c>scripts/ensure-prerequisites.sh</c> installs), driven by Playwright's bundled node driver; nothing is downloaded.
/// <c>CHROMIUM_PATH</c> overrides where the browser is. The ledger starts on first use (it needs the collection's servers).
/// </summary>
public sealed class ConsoleBrowser : IAsyncLifetime
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private SeededConsoleLedger? _ledger;
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/usr/bin/google-chrome"];

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured
            ? configured
            : Candidates.FirstOrDefault(File.Exists)
              ?? throw new InvalidOperationException(
                  $"No Chromium found (looked at {string.Join(", ", Candidates)}): run scripts/ensure-prerequisites.sh (apt-get install chromium) or set CHROMIUM_PATH.");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = path, Headless = true });
    }

    /// <summary>The class's seeded ledger, started by the first test that asks.</summary>
    public async Task<SeededConsoleLedger> LedgerAsync(LedgerInfrastructure infrastructure)
    {
        await _starting.WaitAsync();
        try
        {
            return _ledger ??= await SeededConsoleLedger.StartAsync(infrastructure);
        }
        finally
        {
            _starting.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_ledger is not null)
        {
            await _ledger.DisposeAsync();
        }

        _starting.Dispose();
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
