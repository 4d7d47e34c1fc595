using System.Text.RegularExpressions;

namespace AspireRouter.Architecture.Tests;

/// <summary>
/// The folders of one project and which folders each one's code refers to, read from the source: <c>using</c>
/// directives, fully qualified names (<c>AspireRouter.Gateway.Costs.X</c>) and names qualified relative to the
/// project (<c>Apis.OpenAiErrors</c> inside <c>namespace AspireRouter.Gateway.Execution</c>). Comments and string
/// literals do not count. Folder = namespace, as every project here lays them out.
/// </summary>
public sealed partial class FolderGraph
{
    private FolderGraph(string project, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> edges)
    {
        Project = project;
        Edges = edges;
    }

    public string Project { get; }

    /// <summary>Folder → the folders it refers to, each with one file and line that does (for the failure message).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Edges { get; }

    public static FolderGraph Read(string repositoryRoot, string project)
    {
        var directory = Path.Combine(repositoryRoot, project);
        var folders = Directory.GetDirectories(directory)
            .Select(path => Path.GetFileName(path)!)
            .Where(name => name is not ("bin" or "obj" or "Properties") && !name.StartsWith('.'))
            .ToHashSet(StringComparer.Ordinal);
        var relative = new Regex($@"(?<![\w.])({string.Join('|', folders.Select(Regex.Escape).DefaultIfEmpty("(?!)"))})\.(?=[A-Z])", RegexOptions.CultureInvariant);
        var qualified = new Regex($@"\b{Regex.Escape(project)}\.(\w+)", RegexOptions.CultureInvariant);
        var edges = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (path, folder, number, line) in Lines(directory))
        {
            var isNamespace = line.TrimStart().StartsWith("namespace ", StringComparison.Ordinal);
            var targets = qualified.Matches(line).Select(m => m.Groups[1].Value)
                .Concat(isNamespace ? [] : relative.Matches(line).Select(m => m.Groups[1].Value));
            foreach (var target in targets)
            {
                if (!isNamespace && folders.Contains(target) && target != folder)
                {
                    if (!edges.TryGetValue(folder, out var to))
                    {
                        edges[folder] = to = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    to.TryAdd(target, $"{path}:{number}");
                }
            }
        }

        return new FolderGraph(project, edges.ToDictionary(e => e.Key, e => (IReadOnlyDictionary<string, string>)e.Value, StringComparer.Ordinal));
    }

    /// <summary>Every line of the project's C# source, without comments and string literals, with its folder.</summary>
    public static IEnumerable<(string Path, string Folder, int Number, string Line)> Lines(string projectDirectory)
    {
        foreach (var file in Directory.EnumerateFiles(projectDirectory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var path = Path.GetRelativePath(projectDirectory, file).Replace('\\', '/');
            if (path.StartsWith("bin/", StringComparison.Ordinal) || path.StartsWith("obj/", StringComparison.Ordinal))
            {
                continue;
            }

            var folder = path.Contains('/', StringComparison.Ordinal) ? path[..path.IndexOf('/', StringComparison.Ordinal)] : "(root)";
            var number = 0;
            foreach (var line in File.ReadLines(file))
            {
                number++;
                yield return (path, folder, number, Code(line));
            }
        }
    }

    /// <summary>Every set of folders that refer to each other in a cycle (strongly connected components of two or more).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var cycles = new List<IReadOnlyList<string>>();
        var next = 0;
        foreach (var folder in Edges.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(folder))
            {
                Visit(folder);
            }
        }

        return cycles;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var to) ? to.Keys : [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);

                if (component.Count > 1)
                {
                    component.Sort(StringComparer.Ordinal);
                    cycles.Add(component);
                }
            }
        }
    }

    /// <summary>The references that make up a cycle, one "A → B (file:line)" per edge inside it.</summary>
    public IEnumerable<string> Describe(IReadOnlyList<string> cycle) =>
        from source in cycle
        where Edges.ContainsKey(source)
        from edge in Edges[source]
        where cycle.Contains(edge.Key)
        select $"{source} → {edge.Key} ({edge.Value})";

    /// <summary>A line without its string literals (a name inside a string refers to nothing) and its trailing comment.</summary>
    private static string Code(string line)
    {
        var code = StringLiteral().Replace(line, "\"\"");
        var comment = code.IndexOf("//", StringComparison.Ordinal);
        return comment < 0 ? code : code[..comment];
    }

    [GeneratedRegex("""@?"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)'""", RegexOptions.CultureInvariant)]
    private static partial Regex StringLiteral();
}
