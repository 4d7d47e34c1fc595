using Microsoft.Extensions.Configuration;

namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// What the service projects get instead of a launch profile: they run several instances per project on ports fixed
/// here, so a profile's single <c>applicationUrl</c> cannot serve them.
/// </summary>
public static class ProjectResourceExtensions
{
    /// <summary>
    /// The <c>http</c> endpoint: on <paramref name="localPort"/> when running (stable URLs for curl, SDKs and bookmarks;
    /// tests randomize it), on the platform's choice when published.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLocalHttpEndpoint(this IResourceBuilder<ProjectResource> project, int localPort) =>
        project.WithHttpEndpoint(port: project.ApplicationBuilder.ExecutionContext.IsRunMode ? localPort : null);

    /// <summary>
    /// The AppHost's environment name (Development by default), which a launch profile would have set, and, running
    /// locally, the trace sampling ratio: the AppHost's <c>Telemetry:Tracing:SampleRatio</c>, default 1, so that every
    /// request shows in the dashboard (deployed services keep their own default, 0.1).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAppHostEnvironment(this IResourceBuilder<ProjectResource> project)
    {
        if (project.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return project;
        }

        var environment = project.ApplicationBuilder.Environment.EnvironmentName;
        var sampleRatio = project.ApplicationBuilder.Configuration["Telemetry:Tracing:SampleRatio"] ?? "1";
        return project
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment)
            .WithEnvironment("Telemetry__Tracing__SampleRatio", sampleRatio);
    }

    /// <summary>
    /// Passes the AppHost's configuration section <paramref name="sectionName"/> (e.g. <c>Latency</c>, <c>HealthProbe</c>)
    /// to the project as environment variables, so one setting (a test's short probe interval, say) reaches every
    /// service that must agree on it. Nothing is passed when the section is absent: the services' defaults apply.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConfigurationSection(this IResourceBuilder<ProjectResource> project, string sectionName)
    {
        foreach (var (key, value) in project.ApplicationBuilder.Configuration.GetSection(sectionName).AsEnumerable())
        {
            if (value is not null)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }
}
