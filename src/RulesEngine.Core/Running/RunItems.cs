namespace RulesEngine.Core.Running;

/// <summary>
/// The items a run walks, in source order, with whether an earlier run recorded each (then it is only passed over).
/// The run holds no item it has walked: a list that builds each item when asked
/// (<see cref="IItemsBuiltWhenAsked"/>) is read by index batch by batch; a plain list is copied into an array the run
/// owns, whose entries are cleared as they are taken. Disposing disposes the source's list when that is disposable
/// (a list that spooled its items to a file).
/// </summary>
internal sealed class RunItems : IDisposable
{
    private readonly IItemsBuiltWhenAsked? _built;
    private readonly SourceItem?[]? _owned;
    private readonly IDisposable? _list;

    public RunItems(IReadOnlyList<SourceItem> items)
    {
        if (items is IItemsBuiltWhenAsked built) _built = built;
        else _owned = [.. items];
        _list = items as IDisposable;
        Recorded = new bool[items.Count];
    }

    /// <summary>Whether item i was recorded by an earlier run (or is a repeat of an earlier item of this read).</summary>
    public bool[] Recorded { get; }

    public int Count => Recorded.Length;

    /// <summary>Item <paramref name="index"/>'s key, without building the item when the source's list can say it.</summary>
    public string KeyAt(int index) => _built?.KeyAt(index) ?? _owned![index]!.Key;

    /// <summary>Item <paramref name="index"/> for its batch; the run keeps no reference to it after.</summary>
    public SourceItem Take(int index)
    {
        if (_built is not null) return _built[index];
        var item = _owned![index] ?? throw new InvalidOperationException($"item {index} was taken already");
        _owned[index] = null;
        return item;
    }

    /// <summary>Every item's field names (the union at once, when the source's list knows it).</summary>
    public IEnumerable<IEnumerable<string>> FieldNames() =>
        _built is not null
            ? Count > 0 ? [_built.FieldNames] : []
            : _owned!.Select(item => item!.Fields.Keys);

    public void Dispose() => _list?.Dispose();
}
