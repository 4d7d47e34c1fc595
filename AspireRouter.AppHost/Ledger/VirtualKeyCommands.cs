using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Keys;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.AppHost.Ledger;

/// <summary>
/// A dashboard command on the cost ledger: issue a virtual key through its admin API with the admin key. The dashboard
/// asks for the team, a name, categories, residency, limits and budgets (command arguments); the new key's secret is
/// shown once, in a message box (or, where no dashboard asks, in the command's result), and never again.
/// </summary>
internal static class VirtualKeyCommands
{
    public const string IssueVirtualKey = "issue-virtual-key";

    private const string NoResidency = "none";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IResourceBuilder<ProjectResource> WithVirtualKeyCommands(this IResourceBuilder<ProjectResource> ledger, IResourceBuilder<ParameterResource> adminKey) =>
        ledger.WithHttpCommand("/v1/admin/keys", "Issue a virtual key", commandName: IssueVirtualKey, commandOptions: new HttpCommandOptions
        {
            Description = "Issues a key for a team with its categories, residency, limits and budgets; the secret is shown once.",
            Method = HttpMethod.Post,
            Arguments =
            [
                Text("team", "Team", "The team every request with this key is charged to (letters, digits, '-', '_', '.').", required: true),
                Text("name", "Name", "What the key is for, e.g. the app's name.", required: true),
                Text("categories", "Categories", "Comma-separated, e.g. light,general; empty: every category.", required: false),
                new InteractionInput
                {
                    Name = "residency", Label = "Residency", InputType = InputType.Choice, Required = true, Value = NoResidency,
                    Options = [KeyValuePair.Create(NoResidency, "none"), .. Regions.All.Select(r => KeyValuePair.Create(r, r))],
                },
                Number("requestsPerMinute", "Requests per minute"),
                Number("tokensPerMinute", "Tokens per minute"),
                Number("dailyBudgetUsd", "Daily budget (USD)"),
            ],
            PrepareRequest = async context =>
            {
                context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await adminKey.Resource.GetValueAsync(context.CancellationToken));
                context.Request.Content = JsonContent.Create(Request(context.Arguments), options: Json);
            },
            GetCommandResult = ShowKeyOnceAsync,
            IconName = "Key",
        });

    /// <summary>The admin API's body from the answers; blank answers mean "none".</summary>
    internal static CreateApiKeyRequest Request(InteractionInputCollection arguments)
    {
        string? Value(string name) => arguments.TryGetByName(name, out var input) && !string.IsNullOrWhiteSpace(input.Value) ? input.Value.Trim() : null;
        decimal? Amount(string name) => Value(name) is { } text ? decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture) : null;

        var categories = Value("categories")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var residency = Value("residency") is { } region && region != NoResidency ? region : null;
        return new CreateApiKeyRequest(Value("team"), Value("name"), categories, residency,
            (int?)Amount("requestsPerMinute"), (int?)Amount("tokensPerMinute"), Amount("dailyBudgetUsd"));
    }

    private static async Task<ExecuteCommandResult> ShowKeyOnceAsync(HttpCommandResultContext context)
    {
        var body = await context.Response.Content.ReadAsStringAsync(context.CancellationToken);
        if (!context.Response.IsSuccessStatusCode)
        {
            return CommandResults.Failure($"The ledger refused the key ({(int)context.Response.StatusCode}).", body, CommandResultFormat.Json);
        }

        var created = JsonSerializer.Deserialize<CreatedApiKey>(body, Json) ?? throw new InvalidOperationException("The ledger answered without a key.");
        var message = $"Key {created.Key.Id} for team {created.Key.Team}. Copy the secret now; it is not shown again:\n\n`{created.Secret}`";
        var interaction = context.Services.GetRequiredService<IInteractionService>();
        if (interaction.IsAvailable)
        {
            await interaction.PromptMessageBoxAsync("Virtual key issued", message,
                new MessageBoxInteractionOptions { Intent = MessageIntent.Success, EnableMessageMarkdown = true, PrimaryButtonText = "Done" },
                context.CancellationToken);
            return CommandResults.Success($"Key {created.Key.Id} issued for team {created.Key.Team}.");
        }

        // No dashboard to show it (the CLI, a test): the command's result carries it, once.
        return CommandResults.Success($"Key {created.Key.Id} issued for team {created.Key.Team}.", message, CommandResultFormat.Markdown, displayImmediately: true);
    }

    private static InteractionInput Text(string name, string label, string description, bool required) =>
        new() { Name = name, Label = label, Description = description, InputType = InputType.Text, Required = required };

    private static InteractionInput Number(string name, string label) =>
        new() { Name = name, Label = label, Description = "Empty: no limit.", InputType = InputType.Number, Required = false };
}
