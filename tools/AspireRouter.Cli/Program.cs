namespace AspireRouter.Cli;

/// <summary>
/// <c>aspire-router keys create --ledger https://cost-ledger… --team platform --name first-key</c>, the admin key in
/// <c>ASPIREROUTER_ADMIN_KEY</c>. A named entry point: a top-level one would be a second global <c>Program</c> beside the
/// ledger's in the tests that run both.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return await CliApp.RunAsync(args, http, Console.Out, Console.Error, Environment.GetEnvironmentVariable);
    }
}
