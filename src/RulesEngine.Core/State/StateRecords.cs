namespace RulesEngine.Core.State;

public enum RunStatus { Running, Completed, Failed }

/// <summary>How one item ended in one run.</summary>
public enum RowStatus
{
    /// <summary>Every step it reached has an answer recorded (some may have failed: that is data).</summary>
    Done,
    /// <summary>The data filter rejected it.</summary>
    Skipped,
    /// <summary>A service gave no answer (unreachable, kept failing transiently): retried on the next run.</summary>
    Held,
    /// <summary>A condition could not be evaluated for it; nothing after that point ran.</summary>
    Error,
}

/// <summary>A step's recorded outcome for one item. <see cref="Result"/> is 1/0 (for an If: its logical result).</summary>
public sealed record RecordedStep(string StepId, int Result, string Error, IReadOnlyDictionary<string, string> Output, string RunId, DateTimeOffset RecordedAt);

public sealed record RunRecord(
    string Id, string Flow, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, RunStatus Status,
    int Rows, int Done, int Failed, int Held, int Skipped, string Error);

/// <summary>One item's line in a run's history. <see cref="Steps"/> says what each step did, in order.
/// <see cref="LatestStatus"/> and <see cref="LatestRunId"/>: how the item stands now (a row held in this run may
/// have been finished by a later one).</summary>
public sealed record RowRecord(
    string RunId, int Number, string Key, RowStatus Status, int FailedSteps, string Error,
    IReadOnlyDictionary<string, string> Fields, IReadOnlyList<RecordedStep> Steps,
    string SourceKey = "", RowStatus? LatestStatus = null, string LatestRunId = "");
