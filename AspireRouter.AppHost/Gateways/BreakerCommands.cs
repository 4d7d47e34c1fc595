using System.Net.Http.Headers;
using AspireRouter.Contracts.Registry;

namespace AspireRouter.AppHost.Gateways;

/// <summary>
/// A dashboard command on a gateway: reset a model's breaker (in one region or all) through the gateway's admin route
/// with the admin key, once its provider is known to be back. Breakers are shared through Redis, so one gateway's reset
/// reaches every gateway; the model and region are command arguments, asked for by the dashboard.
/// </summary>
internal static class BreakerCommands
{
    public const string ResetBreaker = "reset-breaker";
    public const string ModelArgument = "model";
    public const string RegionArgument = "region";

    /// <summary>Region choice meaning "every region the model runs in".</summary>
    public const string AllRegions = "all";

    public static IResourceBuilder<ProjectResource> WithBreakerCommands(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> adminKey)
    {
        var registry = SeedRegistryConfiguration.Seed;
        string[] models = [.. registry.Models.Keys.Order(StringComparer.Ordinal)];

        return gateway
            .WithEnvironment("Gateway__Auth__AdminKey", adminKey)
            .WithHttpCommand("/v1/admin/breakers", "Reset a model's breaker", commandName: ResetBreaker, commandOptions: new HttpCommandOptions
            {
                Description = "Closes the model's breaker and ends its cool-down in every gateway (the window starts empty).",
                Method = HttpMethod.Post,
                Arguments =
                [
                    new InteractionInput
                    {
                        Name = ModelArgument, Label = "Model", InputType = InputType.Choice, Required = true, Value = models[0],
                        Options = [.. models.Select(m => KeyValuePair.Create(m, m))],
                    },
                    new InteractionInput
                    {
                        Name = RegionArgument, Label = "Region", InputType = InputType.Choice, Required = true, Value = AllRegions,
                        Options = [KeyValuePair.Create(AllRegions, "every region"), .. Regions.All.Select(r => KeyValuePair.Create(r, r))],
                    },
                ],
                PrepareRequest = async context =>
                {
                    var model = Argument(context, ModelArgument) ?? throw new InvalidOperationException("Choose a model.");
                    var region = Argument(context, RegionArgument) is { } chosen && chosen != AllRegions ? $"?region={Uri.EscapeDataString(chosen)}" : "";
                    context.Request.RequestUri = new Uri(context.Request.RequestUri!, $"/v1/admin/breakers/{Uri.EscapeDataString(model)}/reset{region}");
                    context.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await adminKey.Resource.GetValueAsync(context.CancellationToken));
                },
                ResultMode = HttpCommandResultMode.Json,
                ConfirmationMessage = "Reset this model's breaker in every gateway?",
                IconName = "ArrowReset",
            });
    }

    private static string? Argument(HttpCommandRequestContext context, string name) =>
        context.Arguments.TryGetByName(name, out var input) && !string.IsNullOrWhiteSpace(input.Value) ? input.Value.Trim() : null;
}
