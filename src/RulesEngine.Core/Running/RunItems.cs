namespace RulesEngine.Core.Running;

/// <summary>
/// The items a run walks, in source order, with whether an earlier run recorded each (then it is only passed over).
/// <see cref="Items"/> is the source's list, read by index batch by batch: the run holds no item it has walked.
/// Disposing it disposes the source's list when that is disposable (a list that spooled its items to a file).
/// </summary>
internal sealed class RunItems(IReadOnlyList<SourceItem> items, bool[] recorded) : IDisposable
{
    public IReadOnlyList<SourceItem> Items { get; } = items;

    public bool[] Recorded { get; } = recorded;

    public int Count => Recorded.Length;

    /// <summary>Item <paramref name="index"/>'s key, without building the item when the source's list can say it.</summary>
    public string KeyAt(int index) => Items is IItemsBuiltWhenAsked built ? built.KeyAt(index) : Items[index].Key;

    /// <summary>Every item's field names, one item at a time (or the union at once, when the source's list knows it).</summary>
    public IEnumerable<IEnumerable<string>> FieldNames()
    {
        if (Items is IItemsBuiltWhenAsked built)
        {
            if (Count > 0) yield return built.FieldNames;
            yield break;
        }
        var youngHeap = new YoungHeapCap(YoungHeapCap.DefaultBudget);
        for (var i = 0; i < Recorded.Length; i++)
        {
            yield return Items[i].Fields.Keys;
            // Each item a list builds here is dropped at once; do not let 100,000 of them pile up before a collection.
            if (i % 1024 == 1023) youngHeap.CollectIfDue();
        }
    }

    public void Dispose() => (Items as IDisposable)?.Dispose();
}
