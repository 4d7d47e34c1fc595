namespace AspireRouter.Architecture.Tests;

/// <summary>Where the source is: the folder holding <c>AspireRouter.sln</c>, found from the test's output folder upwards.</summary>
internal static class Repository
{
    public static readonly string Root = Find();

    /// <summary>The service and library projects whose source the rules read (tests and benchmarks are not held to them).</summary>
    public static readonly string[] Projects =
    [
        "AspireRouter.Gateway",
        "AspireRouter.CostLedger",
        "AspireRouter.HealthProbe",
        "AspireRouter.ProviderSimulator",
        "AspireRouter.AppHost",
        "AspireRouter.Contracts",
        "AspireRouter.ServiceDefaults",
    ];

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AspireRouter.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AspireRouter.sln above {AppContext.BaseDirectory}.");
    }
}
