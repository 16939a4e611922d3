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
    string BeginRun(string flow, DateTimeOffset startedAt);
    void FinishRun(string runId, RunStatus status, string error, DateTimeOffset finishedAt);

    string? GetPosition(string flow, string sourceKey);
    void SetPosition(string flow, string sourceKey, string position);

    /// <summary>True when the item was fully recorded (done or skipped) in an earlier run.</summary>
    bool IsItemRecorded(string flow, string sourceKey, string itemKey);

    /// <summary>Steps already answered for an item (from a run that was interrupted), by step id.</summary>
    IReadOnlyDictionary<string, RecordedStep> GetRecordedSteps(string flow, string sourceKey, string itemKey);

    void RecordStep(string runId, string flow, string sourceKey, string itemKey, RecordedStep step);

    /// <summary>Records how an item ended in this run and, in the same transaction, stores the new source position
    /// (null: leave it). Done and skipped items count as recorded from then on.</summary>
    void CompleteItem(string runId, string flow, string sourceKey, SourceItem item, RowStatus status, int failedSteps, string error, string? position);

    /// <summary>
    /// Takes the flow's run lease for <paramref name="owner"/> unless another owner holds an unexpired one, so two
    /// processes never run the same flow at once. A crashed holder's lease expires after <paramref name="ttl"/>.
    /// Returns the current holder when the lease could not be taken, null when it was.
    /// </summary>
    string? TryAcquireLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    /// <summary>Extends a lease this owner holds (long runs renew it while they work).</summary>
    void RenewLease(string flow, string owner, TimeSpan ttl, DateTimeOffset now);

    void ReleaseLease(string flow, string owner);

    /// <summary>Whether the flow is switched on for scheduled runs (flows are on until switched off).</summary>
    bool IsEnabled(string flow);

    void SetEnabled(string flow, bool enabled, DateTimeOffset now);

    IReadOnlyList<RunRecord> ListRuns(string? flow, int limit);
    RunRecord? GetRun(string runId);
    IReadOnlyList<RowRecord> ListRows(string runId);
}
