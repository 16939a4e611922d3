using RulesEngine.Core.Steps;

namespace RulesEngine.Core.State;

/// <summary>
/// Durable memory of runs: the source position per flow and source, every step outcome per item (the journal),
/// and the history people read. Contract: each call returns only once what it recorded is durable, so the runner
/// can call the next service knowing a crash will not make it repeat a recorded side effect.
/// Kept small so another implementation (a server database) is a new class, not a rewrite.
/// </summary>
public interface IStateStore : IDisposable
{
    /// <param name="holder">The process running it (<c>pid N on host ...</c>), so that a run whose process is gone
    /// shows as interrupted; empty when not known.</param>
    string BeginRun(string flow, DateTimeOffset startedAt, string holder = "");
    void FinishRun(string runId, RunStatus status, string error, DateTimeOffset finishedAt);

    /// <summary>Marks the flow's runs still recorded as running as interrupted. Called by a run that holds the flow's
    /// lease, so no other run of the flow can be alive. Returns how many were marked.</summary>
    int MarkInterrupted(string flow, DateTimeOffset now);

    /// <summary>Gives each item of a batch its history line before its steps run (status
    /// <see cref="RowStatus.Started"/>), so an interrupted run shows which rows it was working on.</summary>
    void StartItems(string runId, string flow, string sourceKey, IReadOnlyList<SourceItem> items);

    string? GetPosition(string flow, string sourceKey);
    void SetPosition(string flow, string sourceKey, string position);

    /// <summary>True when the item was fully recorded (done, skipped, or stopped by an error such as a condition that
    /// threw or a quarantined evaluation) in an earlier run: such rows are not taken again by the source; an error row
    /// needs a person and runs again only through replay.</summary>
    bool IsItemRecorded(string flow, string sourceKey, string itemKey);

    /// <summary>The keys among <paramref name="itemKeys"/> not recorded as done or skipped, in one query per thousand.</summary>
    IReadOnlySet<string> FindUnrecordedItems(string flow, string sourceKey, IReadOnlyCollection<string> itemKeys);

    /// <summary>Records items as known (skipped, with no history line) unless the item is recorded in any state already.</summary>
    void RecordKnownItems(string runId, string flow, string sourceKey, IReadOnlyCollection<string> itemKeys);

    /// <summary>Steps already answered for an item (from a run that was interrupted), by step id.</summary>
    IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey);

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

    /// <summary>Removes a marker whose call certainly had no effect.</summary>
    void ClearInFlight(string flow, string sourceKey, string itemKey, string stepId);

    /// <summary>The item's calls whose answers were never recorded, by step id.</summary>
    IReadOnlyDictionary<string, InterruptedCall> GetInFlight(string flow, string sourceKey, string itemKey);

    /// <summary>The latest history line of each of the flow's items that needs a person (see
    /// <see cref="Running.RowAttention"/>): held, errored, delivery unknown, or a failure the flow did not handle.</summary>
    IReadOnlyList<RowRecord> ListOpenRows(string flow);

    /// <summary>Every history line of the flow recorded as row <paramref name="number"/>, newest run first.</summary>
    IReadOnlyList<RowRecord> FindRows(string flow, int number);

    /// <summary>Records how an item ended in this run and, in the same transaction, stores the new source position
    /// (null: leave it). Done, skipped and error items count as recorded from then on
    /// (an error would repeat on every run, and a quarantined row would end the process again).</summary>
    void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error,
        Running.RowAttention attention, string? position);

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

    /// <summary>
    /// Takes the flow's run lease for <paramref name="owner"/> unless another owner holds an unexpired one, so two
    /// processes never run the same flow at once. A crashed holder's lease expires after <paramref name="ttl"/>.
    /// Returns the current holder when the lease could not be taken, null when it was.
    /// </summary>
    string? TryAcquireLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    /// <summary>Takes the lease from <paramref name="deadHolder"/>, a holder known to be gone (its process ended),
    /// only if it still holds it. True when taken.</summary>
    bool TakeOverLease(string flow, string owner, string deadHolder, TimeSpan ttl, DateTimeOffset now);

    /// <summary>Extends a lease this owner holds (long runs renew it while they work).</summary>
    void RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    void ReleaseLease(string flow, string owner);

    /// <summary>Whether the flow is switched on for scheduled runs (flows are on until switched off).</summary>
    bool IsEnabled(string flow);

    void SetEnabled(string flow, bool enabled, DateTimeOffset now);

    IReadOnlyList<RunRecord> ListRuns(string? flow, int limit);
    RunRecord? GetRun(string runId);
    IReadOnlyList<RowRecord> ListRows(string runId);

    // Paged reads for the web console (SqliteStateStore.Console.cs): each page reads a bounded slice by an index.

    /// <summary>Runs newest first, skipping <paramref name="offset"/>.</summary>
    IReadOnlyList<RunRecord> ListRuns(string? flow, int offset, int limit);

    /// <summary>A slice of a run's lines by row number; with <paramref name="needsPersonOnly"/>, only those that need a person.</summary>
    IReadOnlyList<RowRecord> ListRows(string runId, int offset, int limit, bool needsPersonOnly);

    /// <summary>How many of the flow's items need a person now, held and delivery unknown among them.</summary>
    OpenRowCounts CountOpenRows(string flow);

    /// <summary>A slice of <see cref="ListOpenRows(string)"/>, by row number.</summary>
    IReadOnlyList<RowRecord> ListOpenRows(string flow, int offset, int limit);
}
