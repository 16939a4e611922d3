using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>
/// What happened to each item: its recorded step answers, the in-flight markers of calls made without a recorded
/// answer, and how it ended. Contract: each call returns only once what it recorded is durable, so the runner can
/// call the next service knowing a crash will not make it repeat a recorded side effect.
/// </summary>
internal interface IItemJournal
{
    /// <summary>True when the item was fully recorded (done, skipped, or stopped by an error such as a condition that
    /// threw or a quarantined evaluation) in an earlier run: such rows are not taken again by the source; an error row
    /// needs a person and runs again only through replay.</summary>
    bool IsItemRecorded(string flow, string sourceKey, string itemKey);

    /// <summary>The keys among <paramref name="itemKeys"/> not recorded as done, skipped or error, asked in bulk
    /// (a source that reads all its rows asks about every key each run: one round trip per thousand keys at most).</summary>
    IReadOnlySet<string> FindUnrecordedItems(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys);

    /// <summary>Records items as known (skipped, with no history line) unless the item is recorded in any state
    /// already; all of them or none.</summary>
    void RecordKnownItems(string runId, string flow, string sourceKey, IReadOnlyCollection<string> itemKeys);

    /// <summary>Steps already answered for an item (from a run that was interrupted), by step id.</summary>
    IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey);

    /// <summary>
    /// What interrupted earlier runs left for each of <paramref name="itemKeys"/> (a batch's items): their answered
    /// steps and their calls without a recorded answer. Items with neither are left out, which is nearly every item.
    /// Asked once per batch instead of twice per item; a store that cannot ask in bulk keeps this default.
    /// </summary>
    IReadOnlyDictionary<string, ItemProgress> GetProgress(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys)
    {
        ArgumentNullException.ThrowIfNull(itemKeys);
        var progress = new Dictionary<string, ItemProgress>(StringComparer.Ordinal);
        foreach (var key in itemKeys)
        {
            var steps = GetRecordedSteps(flow, sourceKey, key);
            var inFlight = GetInFlight(flow, sourceKey, key);
            if (steps.Count > 0 || inFlight.Count > 0) progress[key] = new ItemProgress(steps, inFlight);
        }
        return progress;
    }

    /// <summary>Records a step's answer and, in the same transaction, removes its in-flight marker.</summary>
    void RecordStep(string runId, string flow, string sourceKey, string itemKey, RecordedStep step);

    /// <summary>
    /// Records one step's answers for several items of a batch as one durable unit: all or none, each replacing that
    /// item's in-flight marker. The runner calls it once per batch per step, after the batch's call returned and
    /// before any later step runs, so a batch costs one commit (one fsync) per step instead of one per row. A store
    /// that cannot group writes keeps this default: one <see cref="RecordStep"/> per answer, the same guarantee.
    /// </summary>
    void RecordSteps(string runId, string flow, string sourceKey, IReadOnlyList<ItemAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        foreach (var answer in answers) RecordStep(runId, flow, sourceKey, answer.ItemKey, answer.Step);
    }

    /// <summary>
    /// Durably notes that a call is about to be made (or ended without an answer, <paramref name="reason"/> says how),
    /// before the service is called: after a crash, the marker is how the engine knows a call may have acted
    /// without its answer being recorded.
    /// </summary>
    void MarkInFlight(string runId, string flow, string sourceKey, string itemKey, string stepId, DateTimeOffset startedAt, string reason);

    /// <summary>Removes a marker whose call certainly had no effect; with <paramref name="writtenByRun"/>, only while that
    /// run is the one that wrote it. The runner always names its own run: a clear is the one journal write that removes
    /// evidence of a call, and one held up in a network cut that arrives after another run took the row over and
    /// marked its own call must not remove that run's marker (a crash of that run would then repeat its call).</summary>
    void ClearInFlight(string flow, string sourceKey, string itemKey, string stepId, string? writtenByRun = null);

    /// <summary>The item's calls whose answers were never recorded, by step id.</summary>
    IReadOnlyDictionary<string, InterruptedCall> GetInFlight(string flow, string sourceKey, string itemKey);

    /// <summary>Records how an item ended in this run and, in the same transaction, stores the new source position
    /// (null: leave it), so the position never passes an unrecorded row. Done, skipped and error items count as
    /// recorded from then on (an error would repeat on every run, and a quarantined row would end the process again).</summary>
    void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error,
        Running.RowAttention attention, string? position);

    /// <summary>
    /// Runs <paramref name="writes"/> (calls to this store's write methods: items started, step answers, markers, how
    /// items ended, positions) as one durable unit: one commit instead of one per call. The runner gathers what it
    /// learns between two calls to services and writes it this way just before the next call, so a batch costs a
    /// commit per call it makes rather than one per step (see <c>StoreJournal</c>). Callers rely only on this: when
    /// it returns every write is durable, and a crash part-way never leaves a later write without an earlier one. A
    /// store that cannot group writes keeps this default: each write durable on its own, in order.
    /// </summary>
    void WriteTogether(Action writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        writes();
    }

    /// <summary>
    /// Records how a batch's items ended and moves the source's position (as <see cref="CompleteItems"/>, then to
    /// <paramref name="passedOverPosition"/> when given: the position after rows an earlier run recorded, which comes
    /// after the items' own; with no items, a position alone, as a run that found nothing new moves it), but only while <paramref name="leaseOwner"/> still holds the flow's lease, checked inside
    /// the same transaction so that no takeover can commit between the check and the writes. Returns false, having
    /// written nothing, when the lease names another owner or none: a write that was held up in the network (a
    /// partition) and arrives after another run took the flow over must not move the position back over that run's
    /// nor overwrite its outcomes. No default: a store that cannot check and write in one transaction cannot fence.
    /// </summary>
    bool CompleteItemsUnderLease(string runId, string flow, string sourceKey, IReadOnlyList<ItemCompletion> items, string? passedOverPosition,
        string leaseOwner);

    /// <summary>
    /// Records how several items of a batch ended, in order, as one durable unit with the last non-null position among
    /// them (see <see cref="CompleteItem"/>). A store that cannot group writes keeps this default: one
    /// <see cref="CompleteItem"/> per item.
    /// </summary>
    void CompleteItems(string runId, string flow, string sourceKey, IReadOnlyList<ItemCompletion> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
            CompleteItem(runId, flow, sourceKey, item.Item, item.Status, item.FailedSteps, item.Error, item.Attention, item.Position);
    }
}
