using System.Net.Http.Headers;

namespace AspireRouter.AppHost.Ledger;

/// <summary>
/// Dashboard commands on the cost ledger for its dead-letter stream, through its admin API with the admin key: list the
/// newest dead letters with their reasons, and replay them all onto <c>ar:costs</c> once their cause is fixed.
/// </summary>
internal static class DeadLetterCommands
{
    public const string ListDeadLetters = "list-dead-letters";
    public const string ReplayDeadLetters = "replay-dead-letters";

    public static IResourceBuilder<ProjectResource> WithDeadLetterCommands(this IResourceBuilder<ProjectResource> ledger, IResourceBuilder<ParameterResource> adminKey)
    {
        async Task Authorize(HttpCommandRequestContext context) =>
            context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await adminKey.Resource.GetValueAsync(context.CancellationToken));

        return ledger
            .WithHttpCommand("/v1/admin/dead-letters", "List dead letters", commandName: ListDeadLetters, commandOptions: new HttpCommandOptions
            {
                Description = "The newest 100 cost events the ledger could not write, with the reason for each (never the event).",
                Method = HttpMethod.Get,
                PrepareRequest = Authorize,
                ResultMode = HttpCommandResultMode.Json,
                IconName = "MailWarning",
            })
            .WithHttpCommand("/v1/admin/dead-letters/replay", "Replay dead letters", commandName: ReplayDeadLetters, commandOptions: new HttpCommandOptions
            {
                Description = "Puts every replayable dead letter back on ar:costs (after the cause is fixed); rows already written are ignored.",
                Method = HttpMethod.Post,
                PrepareRequest = Authorize,
                ResultMode = HttpCommandResultMode.Json,
                ConfirmationMessage = "Replay every dead letter onto ar:costs?",
                IconName = "ArrowRepeatAll",
            });
    }
}
