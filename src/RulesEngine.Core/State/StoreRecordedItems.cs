using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>One flow's source as the state store records it, for the run <paramref name="runId"/>.</summary>
internal sealed class StoreRecordedItems(IStateStore store, string runId, string flow, string sourceKey) : IRecordedItems
{
    public IReadOnlySet<string> FindUnrecorded(IReadOnlyCollection<string> keys) => store.FindUnrecordedItems(flow, sourceKey, keys);

    public void RecordKnown(IReadOnlyCollection<string> keys) => store.RecordKnownItems(runId, flow, sourceKey, keys);
}
