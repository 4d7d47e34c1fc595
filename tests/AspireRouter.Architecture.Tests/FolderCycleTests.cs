namespace AspireRouter.Architecture.Tests;

/// <summary>
/// No two folders of a project refer to each other, directly or around a loop: a pipeline that flows one way, and a
/// folder that can be read (and changed) knowing only the folders below it.
/// </summary>
public sealed class FolderCycleTests
{
    public static TheoryData<string> Projects() => [.. Repository.Projects];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Folders_FormNoCycle(string project)
    {
        var graph = FolderGraph.Read(Repository.Root, project);

        var cycles = graph.Cycles();

        Assert.True(cycles.Count == 0, $"{project} has folders that refer to each other: "
            + string.Join(" | ", cycles.Select(c => $"[{string.Join(", ", c)}]: {string.Join("; ", graph.Describe(c))}")));
    }

    [Fact]
    public void TheScanner_FindsACycle_WhenThereIsOne()
    {
        var root = Directory.CreateTempSubdirectory("folder-graph-").FullName;
        try
        {
            var project = Path.Combine(root, "Demo.App");
            Directory.CreateDirectory(Path.Combine(project, "Alpha"));
            Directory.CreateDirectory(Path.Combine(project, "Beta"));
            Directory.CreateDirectory(Path.Combine(project, "Gamma"));
            File.WriteAllText(Path.Combine(project, "Alpha", "A.cs"), "using Demo.App.Beta;\nnamespace Demo.App.Alpha;\npublic class A { B b; }\n");
            // A relative reference, from Beta to Gamma, and one inside a string that must not count.
            File.WriteAllText(Path.Combine(project, "Beta", "B.cs"), "namespace Demo.App.Beta;\npublic class B { Gamma.G g; string s = \"Demo.App.Alpha\"; }\n");
            File.WriteAllText(Path.Combine(project, "Gamma", "G.cs"), "namespace Demo.App.Gamma;\npublic class G { Demo.App.Alpha.A a; } // Beta.B in a comment\n");

            var graph = FolderGraph.Read(root, "Demo.App");

            var cycle = Assert.Single(graph.Cycles());
            Assert.Equal(["Alpha", "Beta", "Gamma"], cycle);
            Assert.False(graph.Edges["Gamma"].ContainsKey("Beta"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
