using RulesEngine.Core.Expressions;

namespace RulesEngine.Sdk;

/// <summary>
/// A receiver with a resume policy: it says what to do with an item whose earlier call may have acted without its
/// answer being recorded. That happens when the process died during the call (kill -9, power loss), or when the call
/// ended with no answer (<see cref="OutcomeStatus.Held"/>: a timeout may come after the service did the work).
/// <para>
/// The engine writes a durable "in flight" marker before it calls such a receiver for an item, and calls it one
/// item at a time so the marker covers exactly one call. The next time that item reaches the step, the engine calls
/// <see cref="ResumeAsync"/> instead of <see cref="IReceiver.ExecuteAsync"/>. Receivers without this interface are
/// simply called again (at-least-once): right for idempotent calls such as an update.
/// </para>
/// <para>
/// The marker must say whether the call may have reached the service. While such a receiver runs,
/// <see cref="StepCall.Current"/> carries the marker: its client reports <see cref="StepCall.AttemptRefused"/> when an
/// attempt certainly did nothing (429, an error answer that says so, a refused connection) just before it waits to
/// retry, and the engine then records "not sent" (clears the marker), so a process killed in that wait calls again on
/// the next run instead of resuming; <see cref="StepCall.AttemptStarting"/> writes the marker again before the next
/// attempt, and <see cref="StepCall.EffectPossible"/> (an attempt without an answer, a part already delivered) keeps
/// it for good. During <see cref="ResumeAsync"/> the marker is never cleared: the interrupted call may have acted.
/// <see cref="StepCall.Stopping"/> is how every receiver hears that the run is stopping (no new attempt may start).
/// </para>
/// </summary>
public interface IResumableReceiver : IReceiver
{
    /// <summary>
    /// For each item, in order: the outcome to record instead of calling again (the contact an interrupted create
    /// already made; a message not resent because its delivery is unknown), or null to call the service again as
    /// usual. A <see cref="OutcomeStatus.Held"/> outcome keeps the item held and its marker in place. Same contract
    /// as <see cref="IReceiver.ExecuteAsync"/>: never throw for a per-item problem.
    /// </summary>
    /// <param name="interrupted">Per item: the run whose call was interrupted and when it started.</param>
    Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken);
}

/// <summary>A call whose answer was never recorded: the run that made it, and when it started.</summary>
public sealed record InterruptedCall(string RunId, DateTimeOffset StartedAt, string Reason);
