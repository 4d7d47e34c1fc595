using System.Net.Http.Json;
using System.Text.Json;
using AspireRouter.Contracts.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace AspireRouter.AppHost.Simulators;

/// <summary>
/// Dashboard commands that inject faults into a simulator through its admin API (unauthenticated, development only):
/// take a model down, slow it, restore all. The model is a command argument, so the dashboard asks for it through the
/// interaction service and the CLI takes it as an option.
/// </summary>
internal static class SimulatorCommands
{
    public const string TakeModelDown = "take-model-down";
    public const string SlowModel = "slow-model";
    public const string RestoreAllModels = "restore-all-models";
    public const string ModelArgument = "model";

    /// <summary>Model id the simulator reads as "every model".</summary>
    public const string AllModels = "*";

    private const string HttpClientName = "simulator-admin";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IResourceBuilder<ProjectResource> WithFaultCommands(this IResourceBuilder<ProjectResource> simulator)
    {
        simulator.ApplicationBuilder.Services.AddHttpClient(HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));

        var registry = SeedRegistryConfiguration.Seed;
        var defaultModel = registry.Categories[WorkloadCategories.Light].Chain[0];
        string[] models = [.. registry.Models.Keys.Order(StringComparer.Ordinal)];

        return simulator
            .WithHttpCommand("/admin/faults", "Take a model down", commandName: TakeModelDown, commandOptions: new HttpCommandOptions
            {
                Description = "Every request for the chosen model answers 503 until the models are restored.",
                Method = HttpMethod.Put,
                HttpClientName = HttpClientName,
                Arguments = [ModelInput(models, defaultModel)],
                PrepareRequest = context => PrepareFault(context, defaultModel, FaultSpec.Down),
                IconName = "PlugDisconnected",
            })
            .WithHttpCommand("/admin/faults", "Slow a model", commandName: SlowModel, commandOptions: new HttpCommandOptions
            {
                Description = "The chosen model answers five times slower until the models are restored.",
                Method = HttpMethod.Put,
                HttpClientName = HttpClientName,
                Arguments = [ModelInput(models, defaultModel)],
                PrepareRequest = context => PrepareFault(context, defaultModel, FaultSpec.Slow),
                IconName = "Timer",
            })
            .WithHttpCommand("/admin/faults", "Restore all models", commandName: RestoreAllModels, commandOptions: new HttpCommandOptions
            {
                Description = "Removes every injected fault.",
                Method = HttpMethod.Delete,
                HttpClientName = HttpClientName,
                IconName = "ArrowReset",
            });
    }

    private static InteractionInput ModelInput(IEnumerable<string> models, string defaultModel) => new()
    {
        Name = ModelArgument,
        Label = "Model",
        Description = $"The registry's model id, or {AllModels} for every model.",
        InputType = InputType.Choice,
        Required = true,
        Value = defaultModel,
        Options = [.. models.Select(m => KeyValuePair.Create(m, m)), KeyValuePair.Create(AllModels, "* (every model)")],
    };

    private static Task PrepareFault(HttpCommandRequestContext context, string defaultModel, FaultSpec fault)
    {
        // Without an answer (no dashboard to ask, a client that passed none) the light category's primary goes down.
        var model = context.Arguments.TryGetByName(ModelArgument, out var input) && !string.IsNullOrWhiteSpace(input.Value)
            ? input.Value.Trim()
            : defaultModel;

        context.Request.RequestUri = new Uri(context.Request.RequestUri!, $"/admin/faults/{Uri.EscapeDataString(model)}");
        context.Request.Content = JsonContent.Create(fault, options: Json);
        return Task.CompletedTask;
    }

    /// <summary>The body of <c>PUT /admin/faults/{model}</c>.</summary>
    private sealed record FaultSpec(double ErrorRate, int Status, int? RetryAfter, double LatencyMultiplier, bool Hang, bool FailMidStream)
    {
        public static readonly FaultSpec Down = new(ErrorRate: 1.0, Status: 503, RetryAfter: null, LatencyMultiplier: 1.0, Hang: false, FailMidStream: false);
        public static readonly FaultSpec Slow = new(ErrorRate: 0.0, Status: 503, RetryAfter: null, LatencyMultiplier: 5.0, Hang: false, FailMidStream: false);
    }
}
