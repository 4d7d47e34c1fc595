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

    /// <summary>The AppHost's environment name (Development by default), which a launch profile would have set.</summary>
    public static IResourceBuilder<ProjectResource> WithAppHostEnvironment(this IResourceBuilder<ProjectResource> project)
    {
        if (project.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return project;
        }

        var environment = project.ApplicationBuilder.Environment.EnvironmentName;
        return project
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", environment)
            .WithEnvironment("DOTNET_ENVIRONMENT", environment);
    }
}
