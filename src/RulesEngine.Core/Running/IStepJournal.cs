using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>Where <see cref="StepWalker"/> writes what happened: the state store in a real run, nowhere in a test.
/// Each call returns only once what it wrote is durable.</summary>
internal interface IStepJournal
{
    /// <summary>An answer (or an If's logical result); replaces the step's in-flight marker.</summary>
    void Record(ItemRun item, RecordedStep step);

    /// <summary>One step's answers for several items of a batch, durable together (one transaction in a store that
    /// groups writes); each replaces its item's in-flight marker.</summary>
    void RecordAll(IReadOnlyList<(ItemRun Item, RecordedStep Step)> answers);

    /// <summary>A call to a receiver with a resume policy is about to start, or ended without an answer.</summary>
    void MarkInFlight(ItemRun item, string stepId, string reason);

    /// <summary>The call certainly had no effect: calling again is safe.</summary>
    void ClearInFlight(ItemRun item, string stepId);
}

/// <summary>The journal of <c>test</c>: nothing is recorded.</summary>
internal sealed class NoJournal : IStepJournal
{
    public static readonly NoJournal Instance = new();

    public void Record(ItemRun item, RecordedStep step)
    {
    }

    public void RecordAll(IReadOnlyList<(ItemRun Item, RecordedStep Step)> answers)
    {
    }

    public void MarkInFlight(ItemRun item, string stepId, string reason)
    {
    }

    public void ClearInFlight(ItemRun item, string stepId)
    {
    }
}

/// <summary>The journal of a real run: the state store, under the run's id.</summary>
internal sealed class StoreJournal(IStateStore store, string runId, string flow, string sourceKey, TimeProvider clock) : IStepJournal
{
    public void Record(ItemRun item, RecordedStep step) => store.RecordStep(runId, flow, sourceKey, item.Item.Key, step);

    public void RecordAll(IReadOnlyList<(ItemRun Item, RecordedStep Step)> answers)
    {
        if (answers.Count > 0) store.RecordSteps(runId, flow, sourceKey, [.. answers.Select(a => new ItemAnswer(a.Item.Item.Key, a.Step))]);
    }

    public void MarkInFlight(ItemRun item, string stepId, string reason) =>
        store.MarkInFlight(runId, flow, sourceKey, item.Item.Key, stepId, clock.GetUtcNow(), reason);

    public void ClearInFlight(ItemRun item, string stepId) => store.ClearInFlight(flow, sourceKey, item.Item.Key, stepId);
}
