namespace RulesEngine.Core.State;

/// <summary>How a run stands. <see cref="Interrupted"/>: its process ended before it finished (kill -9, a crash, power
/// loss); what it recorded stays recorded and the next run takes the rest.</summary>
internal enum RunStatus { Running, Completed, Failed, Interrupted }

/// <summary>How one item ended in one run.</summary>
internal enum RowStatus
{
    /// <summary>Every step it reached has an answer recorded (some may have failed: that is data).</summary>
    Done,
    /// <summary>The data filter rejected it.</summary>
    Skipped,
    /// <summary>A service gave no answer (unreachable, kept failing transiently): retried on the next run.</summary>
    Held,
    /// <summary>A condition could not be evaluated for it; nothing after that point ran.</summary>
    Error,
    /// <summary>Its run took it and has not recorded how it ended: in progress, or cut off when the run was
    /// interrupted (its steps up to then are in the journal).</summary>
    Started,
}

/// <summary>A step's recorded outcome for one item. <see cref="Result"/> is 1/0 (for an If: its logical result).</summary>
internal sealed record RecordedStep(string StepId, int Result, string Error, IReadOnlyDictionary<string, string> Output, string RunId, DateTimeOffset RecordedAt);

/// <param name="Failed">Rows with a failed step or an error, handled or not (the count before
/// <see cref="NeedsPerson"/> existed).</param>
internal sealed record RunRecord(
    string Id, string Flow, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, RunStatus Status,
    int Rows, int Done, int Failed, int Held, int Skipped, string Error)
{
    /// <summary>Rows that need a person (see <see cref="Running.RowAttention"/>). Rows recorded before that
    /// judgement was kept are judged from their recorded steps when the file is first opened.</summary>
    public int NeedsPerson { get; init; }

    /// <summary>Rows the run took but did not finish: it is still running, or it was interrupted.</summary>
    public int Unfinished { get; init; }

    /// <summary>The process that ran it (<c>pid N on host ...</c>); empty for runs recorded before it was kept.</summary>
    public string Holder { get; init; } = "";
}

/// <summary>One item's line in a run's history. <see cref="Steps"/> says what each step did, in order.
/// <see cref="LatestStatus"/> and <see cref="LatestRunId"/>: how the item stands now (a row held in this run may
/// have been finished by a later one).</summary>
internal sealed record RowRecord(
    string RunId, int Number, string Key, RowStatus Status, int FailedSteps, string Error,
    IReadOnlyDictionary<string, string> Fields, IReadOnlyList<RecordedStep> Steps,
    string SourceKey = "", RowStatus? LatestStatus = null, string LatestRunId = "")
{
    /// <summary>Whether the row needs a person and why, as judged when it was recorded (or, for rows recorded
    /// before that judgement was kept, inferred from its recorded steps).</summary>
    public Running.RowAttention Attention { get; init; } = Running.RowAttention.None;
}
