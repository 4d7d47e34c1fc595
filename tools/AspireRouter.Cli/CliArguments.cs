namespace AspireRouter.Cli;

/// <summary>A command's <c>--name value</c> options, each given at most once.</summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string> _values;

    private CliArguments(Dictionary<string, string> values) => _values = values;

    public static bool TryParse(IReadOnlyList<string> args, out CliArguments arguments, out string? problem)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        arguments = new CliArguments(values);
        for (var i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                problem = $"Expected '--option value' at '{args[i]}'.";
                return false;
            }

            if (!values.TryAdd(args[i][2..], args[i + 1]))
            {
                problem = $"'{args[i]}' is given twice.";
                return false;
            }
        }

        problem = null;
        return true;
    }

    public string? this[string name] => _values.GetValueOrDefault(name);

    /// <summary>The options that are not in <paramref name="known"/>, to refuse a misspelt one.</summary>
    public IEnumerable<string> UnknownOf(IReadOnlySet<string> known) => _values.Keys.Where(k => !known.Contains(k));
}
