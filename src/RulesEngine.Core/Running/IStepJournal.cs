using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>
/// Where <see cref="StepWalker"/> writes what happened: the state store in a real run, nowhere in a test.
/// Answers are kept until the walker is about to call a service again (<see cref="MakeDurable"/>) and are then
/// written together; markers are written at once. So nothing the engine learned exists only in memory when it acts
/// on a service, and a batch costs one commit per call it makes, not one per step.
/// </summary>
internal interface IStepJournal
{
    /// <summary>An answer (or an If's logical result); replaces the step's in-flight marker. Durable at the next
    /// <see cref="MakeDurable"/> or marker.</summary>
    void Record(ItemRun item, RecordedStep step);

    /// <summary>One step's answers for several items of a batch (see <see cref="Record"/>).</summary>
    void RecordAll(IReadOnlyList<(ItemRun Item, RecordedStep Step)> answers);

    /// <summary>A call to a receiver with a resume policy is about to start, or ended without an answer: durable,
    /// with every answer recorded before it, when this returns.</summary>
    void MarkInFlight(ItemRun item, string stepId, string reason);

    /// <summary>The call certainly had no effect: calling again is safe. Durable when this returns.</summary>
    void ClearInFlight(ItemRun item, string stepId);

    /// <summary>Makes every answer recorded so far durable; the walker calls it before every call to a service.</summary>
    void MakeDurable();
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

    public void MakeDurable()
    {
    }
}

/// <summary>
/// The journal of a real run: the state store, under the run's id. What the run learns between two calls to services
/// (the batch's items started, each step's answers, each If's decisions) is kept here and written in one
/// transaction (<see cref="IItemJournal.WriteTogether"/>) with the next write that must be durable at once: the
/// marker before a call, nothing more before a call without one or at the batch's end (the runner checks its lease
/// between that and how the batch's items ended, which a run holding a lease writes fenced by it,
/// <see cref="CompleteUnderLease"/>). A crash in between
/// loses only answers whose calls come again by their policy, exactly as a crash just after a call did before: no
/// service was called meanwhile.
/// </summary>
internal sealed class StoreJournal(IStateStore store, string runId, string flow, string sourceKey, TimeProvider clock) : IStepJournal
{
    private readonly List<SourceItem> _started = [];
    private readonly List<ItemAnswer> _answers = [];
    private readonly HashSet<(string Item, string Step)> _marked = []; // markers this run wrote and no answer replaced yet

    /// <summary>A batch's items are taken (the history shows them as started from the next write on).</summary>
    public void Start(IReadOnlyList<SourceItem> items) => _started.AddRange(items);

    public void Record(ItemRun item, RecordedStep step) =>
        // Only a marker found at the batch's start or written by this run can be there to replace ("|", not "||": the
        // set forgets this run's marker either way).
        _answers.Add(new ItemAnswer(item.Item.Key, step,
            MayReplaceMarker: item.InFlight.ContainsKey(step.StepId) | _marked.Remove((item.Item.Key, step.StepId))));

    public void RecordAll(IReadOnlyList<(ItemRun Item, RecordedStep Step)> answers)
    {
        foreach (var (item, step) in answers) Record(item, step);
    }

    public void MarkInFlight(ItemRun item, string stepId, string reason)
    {
        _marked.Add((item.Item.Key, stepId));
        WriteWithPending(() => store.MarkInFlight(runId, flow, sourceKey, item.Item.Key, stepId, clock.GetUtcNow(), reason));
    }

    public void ClearInFlight(ItemRun item, string stepId) =>
        // Only this run's marker: the clear follows this run's own call (a resumed marker of another run is never
        // cleared), and a clear held up in the network must not remove the marker of a run that took the row over.
        WriteWithPending(() => store.ClearInFlight(flow, sourceKey, item.Item.Key, stepId, writtenByRun: runId));

    public void MakeDurable()
    {
        if (_started.Count > 0 || _answers.Count > 0) WriteWithPending(then: null);
    }

    /// <summary>How the batch's items ended and the position after them (with anything still pending).</summary>
    /// <param name="passedOverPosition">The position after a last row passed over (recorded by an earlier run), which
    /// comes after the completions' own.</param>
    public void Complete(IReadOnlyList<ItemCompletion> completions, string? passedOverPosition) => WriteWithPending(() =>
    {
        store.CompleteItems(runId, flow, sourceKey, completions);
        if (passedOverPosition is not null) store.SetPosition(flow, sourceKey, passedOverPosition);
    });

    /// <summary>As <see cref="Complete"/>, for a run that holds the flow's lease as <paramref name="leaseOwner"/>: the
    /// outcomes and the position are written only if the lease still names it, checked in their transaction
    /// (<see cref="IItemJournal.CompleteItemsUnderLease"/>). False when the store refused: nothing of them was written.</summary>
    public bool CompleteUnderLease(IReadOnlyList<ItemCompletion> completions, string? passedOverPosition, string leaseOwner)
    {
        // Anything still pending (items started, answers) is a fact and is written whoever holds the lease now; the
        // runner made it durable before checking its lease, so this is normally nothing.
        MakeDurable();
        if (completions.Count == 0 && passedOverPosition is null) return true;
        return store.CompleteItemsUnderLease(runId, flow, sourceKey, completions, passedOverPosition, leaseOwner);
    }

    private void WriteWithPending(Action? then)
    {
        store.WriteTogether(() =>
        {
            if (_started.Count > 0) store.StartItems(runId, flow, sourceKey, _started);
            if (_answers.Count > 0) store.RecordSteps(runId, flow, sourceKey, _answers);
            then?.Invoke();
        });
        // Only once committed: a write that failed leaves them pending, for the next attempt.
        _started.Clear();
        _answers.Clear();
    }
}
