using AspireRouter.Cli.Keys;

namespace AspireRouter.Cli;

/// <summary>Dispatches the command line to its command; exit codes: 0 done, 1 refused or failed, 2 usage.</summary>
public static class CliApp
{
    public const string Usage = """
        usage: aspire-router keys create --ledger <url> --team <team> --name <name>
                 [--admin-key <key>]            (default: the environment variable ASPIREROUTER_ADMIN_KEY)
                 [--categories light,general]   [--residency cn|global]
                 [--rpm <n>] [--tpm <n>]        [--daily-usd <x>] [--monthly-usd <x>]
        Prints the new key's secret on standard output, once; its id and limits on standard error.
        """;

    public static async Task<int> RunAsync(
        string[] args, HttpClient http, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken = default)
    {
        if (args is not ["keys", "create", .. var rest])
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (!CliArguments.TryParse(rest, out var arguments, out var problem))
        {
            await error.WriteLineAsync($"{problem}{Environment.NewLine}{Usage}");
            return 2;
        }

        return await KeysCreateCommand.RunAsync(arguments, http, output, error, environment, cancellationToken);
    }
}
