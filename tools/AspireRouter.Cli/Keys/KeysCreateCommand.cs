using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Keys;

namespace AspireRouter.Cli.Keys;

/// <summary>
/// <c>keys create</c>: issues a virtual key through the ledger's admin API (<c>POST /v1/admin/keys</c>) with the admin
/// key. The secret goes to standard output alone, so <c>KEY=$(aspire-router keys create …)</c> captures it; it is
/// shown this once and never again.
/// </summary>
public static class KeysCreateCommand
{
    public const string AdminKeyVariable = "ASPIREROUTER_ADMIN_KEY";

    private static readonly HashSet<string> Options =
        ["ledger", "admin-key", "team", "name", "categories", "residency", "rpm", "tpm", "daily-usd", "monthly-usd"];

    public static async Task<int> RunAsync(
        CliArguments arguments, HttpClient http, TextWriter output, TextWriter error, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (arguments.UnknownOf(Options).FirstOrDefault() is { } unknown)
        {
            await error.WriteLineAsync($"Unknown option '--{unknown}'.{Environment.NewLine}{CliApp.Usage}");
            return 2;
        }

        var adminKey = arguments["admin-key"] ?? environment(AdminKeyVariable);
        if (!Uri.TryCreate(arguments["ledger"], UriKind.Absolute, out var ledger) || string.IsNullOrWhiteSpace(adminKey))
        {
            await error.WriteLineAsync($"--ledger (an absolute URL) and the admin key (--admin-key or {AdminKeyVariable}) are required.");
            return 2;
        }

        CreateApiKeyRequest body;
        try
        {
            body = new CreateApiKeyRequest(
                arguments["team"], arguments["name"],
                arguments["categories"]?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                arguments["residency"],
                Parse<int>(arguments["rpm"]), Parse<int>(arguments["tpm"]),
                Parse<decimal>(arguments["daily-usd"]), Parse<decimal>(arguments["monthly-usd"]));
        }
        catch (FormatException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return 2;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ledger, "/v1/admin/keys"))
        {
            Content = JsonContent.Create(body, options: JsonSerializerOptions.Web),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var reason = await response.Content.ReadAsStringAsync(cancellationToken);
            await error.WriteLineAsync($"The ledger refused the key: {(int)response.StatusCode} {reason}");
            return 1;
        }

        var created = await response.Content.ReadFromJsonAsync<CreatedApiKey>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidOperationException("The ledger answered without a key.");
        await output.WriteLineAsync(created.Secret);
        await error.WriteLineAsync(
            $"Created {created.Key.Id} for team '{created.Key.Team}' ({created.Key.Name}), prefix {created.Key.Prefix}: " +
            "the secret above is shown once; store it now.");
        return 0;
    }

    private static T? Parse<T>(string? value) where T : struct, IParsable<T> =>
        value is null ? null
        : T.TryParse(value, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : throw new FormatException($"'{value}' is not a valid {typeof(T).Name}.");
}
