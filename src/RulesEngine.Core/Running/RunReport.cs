using RulesEngine.Core.State;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Running;

/// <summary>What one step did for one item. <see cref="Replayed"/>: its answer came from the journal of an
/// interrupted earlier run, so it was not called again. <see cref="ResumedFrom"/>: the run whose call for this step
/// was interrupted before its answer was recorded; the receiver's resume policy decided this outcome.
/// <see cref="Explanation"/>: for an If, the value of each part of its condition (<c>update.Result == 0 = true; ...</c>).</summary>
internal sealed record StepReport(
    string StepId,
    string Type,
    OutcomeStatus? Status,
    int? Result,
    string Error,
    IReadOnlyDictionary<string, string> Output,
    bool Replayed = false,
    IReadOnlyList<RequestPreview>? Requests = null,
    string? ResumedFrom = null,
    string? Explanation = null);

internal sealed record ItemReport(SourceItem Item, RowStatus Status, IReadOnlyList<StepReport> Steps, string Error)
{
    public int FailedSteps => Steps.Count(s => s.Status == OutcomeStatus.Failed);

    /// <summary>Whether the row needs a person and why (see <see cref="RowAttention"/>); judged by the runner.</summary>
    public RowAttention Attention { get; init; } = RowAttention.None;
}

/// <param name="Items">Every row's report when the runner kept them (<see cref="FlowRunner.KeepRows"/>); empty when the
/// rows were streamed to <see cref="FlowRunner.RowRecorded"/> as they were recorded. The counts below do not depend on it.</param>
/// <param name="AlreadyRecorded">Items the source returned that earlier runs had already recorded (not touched).</param>
internal sealed record RunReport(
    string RunId,
    string Flow,
    string Link,
    RunStatus Status,
    string Error,
    IReadOnlyList<ItemReport> Items,
    int AlreadyRecorded,
    string Note,
    TimeSpan Elapsed)
{
    /// <summary>How the run's rows ended, counted as they were recorded (also when <see cref="Items"/> is empty).</summary>
    public RowTally Tally { get; init; } = RowTally.Of(Items);

    /// <summary>Rows the run walked through the steps.</summary>
    public int Rows => Tally.Rows;

    /// <summary>Rows that need a person: held, stopped on an error, delivery unknown, or a failure the flow did not
    /// handle (see <see cref="RowAttention"/>).</summary>
    public int NeedsPerson => Tally.NeedsPerson;

    /// <summary>Rows with failed steps that the flow handled (an update that failed, then a create that succeeded).</summary>
    public int HandledFailures => Tally.HandledFailures;

    public int Held => Tally.Held;

    public int Skipped => Tally.Skipped;
}
