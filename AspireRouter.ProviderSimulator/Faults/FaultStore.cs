using System.Collections.Frozen;

namespace AspireRouter.ProviderSimulator.Faults;

/// <summary>
/// Faults per served model id, changed at run time by the admin API and read on every request. A model's own fault
/// wins over the wildcard <see cref="AllModels"/>. Reads are lock-free on an immutable snapshot; the rare writes
/// replace the snapshot under a lock.
/// </summary>
public sealed class FaultStore
{
    /// <summary>The key that applies a fault to every model without one of its own.</summary>
    public const string AllModels = "*";

    private readonly Lock _writeLock = new();
    private volatile FrozenDictionary<string, FaultSpec> _faults = FrozenDictionary<string, FaultSpec>.Empty;

    /// <summary>The fault in force for <paramref name="model"/>, or null. Lock-free; no allocation.</summary>
    public FaultSpec? For(string model)
    {
        var faults = _faults;
        return faults.Count == 0 ? null
            : faults.TryGetValue(model, out var fault) ? fault
            : faults.GetValueOrDefault(AllModels);
    }

    public IReadOnlyDictionary<string, FaultSpec> Snapshot() => _faults;

    public void Set(string model, FaultSpec fault) => Update(faults => faults[model] = fault);

    /// <summary>Removes one model's (or the wildcard's) fault; true when there was one.</summary>
    public bool Remove(string model)
    {
        var removed = false;
        Update(faults => removed = faults.Remove(model));
        return removed;
    }

    public void Clear() => Update(faults => faults.Clear());

    private void Update(Action<Dictionary<string, FaultSpec>> change)
    {
        lock (_writeLock)
        {
            var faults = new Dictionary<string, FaultSpec>(_faults, StringComparer.OrdinalIgnoreCase);
            change(faults);
            _faults = faults.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }
    }
}
