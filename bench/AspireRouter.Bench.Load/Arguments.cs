using System.Globalization;

namespace AspireRouter.Bench.Load;

/// <summary><c>--name value</c> pairs; a name given more than once keeps every value.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                if (!_values.ContainsKey(name))
                {
                    _values[name] = [];
                }
            }
            else if (name is not null)
            {
                _values[name].Add(arg);
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }
    }

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var values) ? values : [];

    public string? Get(string name) => All(name) is [.., var last] ? last : null;

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required.");

    public double Number(string name, double fallback) =>
        Get(name) is { } value ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public int[] Numbers(string name, int[] fallback) =>
        Get(name) is { } value ? [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : fallback;
}
