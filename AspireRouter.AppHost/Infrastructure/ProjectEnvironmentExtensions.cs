namespace AspireRouter.AppHost.Infrastructure;

/// <summary>
/// Projects run without a launch profile (their ports are fixed here, several instances per project), so they get the
/// AppHost's environment name the profile would have given them.
/// </summary>
public static class ProjectEnvironmentExtensions
{
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
