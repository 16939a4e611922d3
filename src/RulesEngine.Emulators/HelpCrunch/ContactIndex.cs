namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>
/// The ids of the contacts carrying each value of one field (email, userId), so a search by email and the duplicate
/// checks read a handful of contacts instead of all of them: a bench with 100,000 contacts otherwise spends its time in
/// the emulator. Several contacts can share a value (seeding allows the duplicates HelpCrunch itself lets through).
/// Not thread-safe: <see cref="CustomerStore"/> holds its lock around every use.
/// </summary>
internal sealed class ContactIndex(StringComparer comparer)
{
    private readonly Dictionary<string, HashSet<long>> _ids = new(comparer);

    public void Add(string? value, long id)
    {
        if (value is null) return;
        if (!_ids.TryGetValue(value, out var ids)) _ids[value] = ids = [];
        ids.Add(id);
    }

    public void Remove(string? value, long id)
    {
        if (value is null || !_ids.TryGetValue(value, out var ids)) return;
        ids.Remove(id);
        if (ids.Count == 0) _ids.Remove(value);
    }

    /// <summary>Whether a contact other than <paramref name="id"/> carries <paramref name="value"/>.</summary>
    public bool HasOther(string value, long id) => _ids.TryGetValue(value, out var ids) && ids.Any(other => other != id);

    /// <summary>The ids carrying any of <paramref name="values"/>, ascending (the order the store lists contacts in).</summary>
    public List<long> Ids(IEnumerable<string> values)
    {
        var found = new HashSet<long>();
        foreach (var value in values)
            if (_ids.TryGetValue(value, out var ids)) found.UnionWith(ids);
        var sorted = found.ToList();
        sorted.Sort();
        return sorted;
    }
}
