namespace RulesEngine.Core.State;

/// <summary>Runs and the history lines of their rows: what people read with <c>history</c> and <c>status</c>.
/// Every write is durable when the call returns.</summary>
internal interface IRunHistory
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

    /// <summary>The latest history line of each of the flow's items that needs a person (see
    /// <see cref="Running.RowAttention"/>): held, errored, delivery unknown, or a failure the flow did not handle.</summary>
    IReadOnlyList<RowRecord> ListOpenRows(string flow);

    /// <summary>Every history line of the flow recorded as row <paramref name="number"/>, newest run first.</summary>
    IReadOnlyList<RowRecord> FindRows(string flow, int number);

    /// <summary>The latest runs (of <paramref name="flow"/>, or of every flow when null), newest first.</summary>
    IReadOnlyList<RunRecord> ListRuns(string? flow, int limit);

    RunRecord? GetRun(string runId);

    /// <summary>The run's history lines in row order, each with its item's recorded steps.</summary>
    IReadOnlyList<RowRecord> ListRows(string runId);

    // Paged reads for the web console: each page reads a bounded slice through an index.

    /// <summary>Runs newest first, skipping <paramref name="offset"/>.</summary>
    IReadOnlyList<RunRecord> ListRuns(string? flow, int offset, int limit);

    /// <summary>A slice of a run's lines by row number; with <paramref name="needsPersonOnly"/>, only those that need a person.</summary>
    IReadOnlyList<RowRecord> ListRows(string runId, int offset, int limit, bool needsPersonOnly);

    /// <summary>How many of the flow's items need a person now, held and delivery unknown among them.</summary>
    OpenRowCounts CountOpenRows(string flow);

    /// <summary>A slice of <see cref="ListOpenRows(string)"/>, by row number.</summary>
    IReadOnlyList<RowRecord> ListOpenRows(string flow, int offset, int limit);
}
