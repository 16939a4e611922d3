using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>A journal that has recorded nothing: a read without one returns every ready row.</summary>
internal sealed class NothingRecorded : IRecordedItems
{
    public static readonly NothingRecorded Instance = new();

    public IReadOnlySet<string> FindUnrecorded(IReadOnlyCollection<string> keys) => keys.ToHashSet(StringComparer.Ordinal);

    public void RecordKnown(IReadOnlyCollection<string> keys)
    {
        // Nowhere to record: only a read with the engine's journal can skip rows.
    }
}
