using System.Text.RegularExpressions;
using AspireRouter.Contracts.Logging;

namespace AspireRouter.Architecture.Tests;

/// <summary>
/// Agreements between services have one owner, the shared library: every service reads the registry, the latency
/// window and the budgets through it, and every log event id names one message in the whole system.
/// </summary>
public sealed partial class AgreementTests
{
    [Theory]
    [InlineData(@"ModelRegistry\.Create\(", "builds a registry snapshot (read RegistryProvider.Current)")]
    [InlineData(@"BindConfiguration\((RegistryOptions|LatencyWindowOptions|BudgetOptions|CostBacklogOptions)\.SectionName", "binds a shared section itself (use AddRegistry, AddLatencyWindow, AddBudgetOptions, AddCostBacklogPolicy)")]
    [InlineData(@"AddSeedRegistry\(\)", "adds the seed registry itself (use AddRegistry)")]
    public void SharedAgreements_AreWiredByTheSharedLibraryOnly(string pattern, string what)
    {
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        var offenders = Repository.Projects.Where(p => p != "AspireRouter.Contracts")
            .SelectMany(project => FolderGraph.Lines(Path.Combine(Repository.Root, project))
                .Where(line => regex.IsMatch(line.Line))
                .Select(line => $"{project}/{line.Path}:{line.Number}"))
            .ToList();

        Assert.True(offenders.Count == 0, $"outside the shared library, code {what}: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void LogEventIds_AreInTheirServicesRange_AndUsedOnce()
    {
        var seen = new Dictionary<int, string>();
        var problems = new List<string>();
        foreach (var project in Repository.Projects)
        {
            foreach (var (path, _, number, line) in FolderGraph.Lines(Path.Combine(Repository.Root, project)))
            {
                foreach (Match match in EventId().Matches(line))
                {
                    var where = $"{project}/{path}:{number}";
                    var id = match.Groups["base"].Success
                        ? Base(match.Groups["base"].Value) + int.Parse(match.Groups["offset"].Value, System.Globalization.CultureInfo.InvariantCulture)
                        : int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
                    var (first, last) = LogEvents.Ranges[project == "AspireRouter.ServiceDefaults" ? "AspireRouter.Contracts" : project];
                    if (id < first || id > last)
                    {
                        problems.Add($"{where}: event {id} is outside {project}'s range {first}–{last}");
                    }

                    if (!seen.TryAdd(id, where))
                    {
                        problems.Add($"{where}: event {id} is also used at {seen[id]}");
                    }
                }
            }
        }

        Assert.True(seen.Count > 50, $"only {seen.Count} log events found: is the scanner reading the source?");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static int Base(string name) => name switch
    {
        "Gateway" => LogEvents.Gateway,
        "CostLedger" => LogEvents.CostLedger,
        "HealthProbe" => LogEvents.HealthProbe,
        "ProviderSimulator" => LogEvents.ProviderSimulator,
        "AppHost" => LogEvents.AppHost,
        _ => LogEvents.Contracts,
    };

    [GeneratedRegex(@"LoggerMessage\((?:EventId\s*=\s*)?(?:LogEvents\.(?<base>\w+)\s*\+\s*(?<offset>\d+)|(?<id>\d+))", RegexOptions.CultureInvariant)]
    private static partial Regex EventId();
}
