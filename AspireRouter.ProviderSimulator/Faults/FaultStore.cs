using System.Collections.Concurrent;

namespace AspireRouter.ProviderSimulator.Faults;

/// <summary>
/// Faults per served model id, changed at run time by the admin API and read on every request. A model's own fault
/// wins over the wildcard <see cref="AllModels"/>.
/// </summary>
public sealed class FaultStore
{
    /// <summary>The key that applies a fault to every model without one of its own.</summary>
    public const string AllModels = "*";

    private readonly ConcurrentDictionary<string, FaultSpec> _faults = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The fault in force for <paramref name="model"/>, or null. Lock-free; no allocation.</summary>
    public FaultSpec? For(string model) =>
        _faults.IsEmpty ? null
        : _faults.TryGetValue(model, out var fault) ? fault
        : _faults.TryGetValue(AllModels, out var wildcard) ? wildcard
        : null;

    public IReadOnlyDictionary<string, FaultSpec> Snapshot() =>
        new SortedDictionary<string, FaultSpec>(_faults, StringComparer.OrdinalIgnoreCase);

    public void Set(string model, FaultSpec fault) => _faults[model] = fault;

    /// <summary>Removes one model's (or the wildcard's) fault; true when there was one.</summary>
    public bool Remove(string model) => _faults.TryRemove(model, out _);

    public void Clear() => _faults.Clear();
}
