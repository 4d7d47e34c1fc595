using Microsoft.Extensions.DependencyInjection;
using System.Text.Json.Nodes;

namespace AspireRouter.AppHost.Tests.Deployment;

/// <summary>
/// The AppHost's publish manifest (what <c>azd</c> deploys), written by the real AppHost in publish mode
/// (<c>--publisher manifest</c>) into a temporary file, with the application model it was written from.
/// </summary>
internal sealed class PublishManifest
{
    private PublishManifest(JsonObject resources, DistributedApplicationModel model)
    {
        Resources = resources;
        Model = model;
    }

    /// <summary>The manifest's <c>resources</c> by name.</summary>
    public JsonObject Resources { get; }

    /// <summary>The application model in publish mode, for what the v0 manifest does not carry for projects.</summary>
    public DistributedApplicationModel Model { get; }

    public JsonObject Resource(string name) =>
        Resources[name]?.AsObject() ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource '{name}'.");

    public JsonObject Environment(string name) => Resource(name)["env"]?.AsObject() ?? [];

    public static async Task<PublishManifest> PublishAsync(params string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("aspire-router-manifest-");
        try
        {
            var path = Path.Combine(directory.FullName, "aspire-manifest.json");
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AspireRouter_AppHost>(
                ["--publisher", "manifest", "--output-path", path, .. arguments], timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
            var model = app.Services.GetRequiredService<DistributedApplicationModel>();
            await app.RunAsync(timeout.Token); // publishes the manifest, then stops

            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path, timeout.Token))!.AsObject();
            return new PublishManifest(manifest["resources"]!.AsObject(), model);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
