namespace RulesEngine.Sdk;

/// <summary>
/// What the engine has recorded of one flow's source, for a source that reads everything it has each run and hands
/// back only the items that are new: comparing every key with the journal is what makes an item impossible to miss,
/// whatever moved in the source. Asked in bulk, because a source may hold 100,000 items.
/// </summary>
public interface IRecordedItems
{
    /// <summary>The keys among <paramref name="keys"/> that no earlier run recorded as done or skipped: usually few,
    /// so a steady poll of a large source gets back almost nothing.</summary>
    IReadOnlySet<string> FindUnrecorded(IReadOnlyCollection<string> keys);

    /// <summary>
    /// Records items as known without processing them: the items already in the source when a flow starts with
    /// "skip existing", or the keys of items an earlier version recorded under another key. Items already recorded
    /// (in any state) are left as they are. Durable on return.
    /// </summary>
    void RecordKnown(IReadOnlyCollection<string> keys);
}
