using Microsoft.Extensions.Logging;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// One daemon run's log lines: each row that did not simply succeed (and, at debug, every row) as soon as its batch is
/// committed (<see cref="FlowRunner.RowRecorded"/>), so a long run is not silent and keeps no row in memory for its
/// log, then the run's summary from its counts. One per run, so the rows of concurrent runs of different flows never
/// take another run's id. Lines are written inside the caller's flow scope, each in a <c>run</c> scope and a row's in a
/// <c>row</c> scope. The run's id comes from <see cref="IRunProgress.Started"/>, told before the first row.
/// </summary>
internal sealed class RunLog(ILogger logger) : IRunProgress
{
    private string _runId = "";

    public void Started(string runId, int rows) => _runId = runId;

    /// <summary>Nothing: the row's line is written from <see cref="Row"/>, which the runner calls just before.</summary>
    public void RowDone(ItemReport row) { }

    /// <summary>Nothing: the daemon never waits for a lease (a busy flow's trigger is skipped and logged as such).</summary>
    public void WaitingForLease(string holder) { }

    public void Row(ItemReport item)
    {
        using var runScope = logger.BeginScope(new Dictionary<string, object?> { ["run"] = _runId });
        using var rowScope = logger.BeginScope(new Dictionary<string, object?> { ["row"] = item.Item.Number });
        if (item.Status == RowStatus.Held)
            logger.LogWarning("Row {Row} held, retried on the next run: {Error}", item.Item.Number, item.Error);
        else if (item.Status == RowStatus.Error)
            logger.LogError("Row {Row} stopped: {Error}", item.Item.Number, item.Error);
        else if (item.Attention.NeedsPerson)
            logger.LogWarning("Row {Row} needs a person: {Attention}", item.Item.Number, item.Attention.Reason);
        else if (item.FailedSteps > 0)
            logger.LogInformation("Row {Row} {Status} with failures the flow handled: {Failed}", item.Item.Number, StatusText(item.Status),
                string.Join("; ", item.Steps.Where(s => s.Status == OutcomeStatus.Failed).Select(s => $"{s.StepId}: {s.Error}")));
        else
            logger.LogDebug("Row {Row} {Status}", item.Item.Number, StatusText(item.Status));
    }

    /// <summary>The run's last line, from its counts (<see cref="RunReport.Tally"/>): its rows are not kept.</summary>
    public void Summary(RunReport report)
    {
        using var runScope = logger.BeginScope(new Dictionary<string, object?> { ["run"] = report.RunId });
        if (report.Status == RunStatus.Failed)
            logger.LogError("Run {Run} of {Flow} failed: {Error}", report.RunId, report.Flow, report.Error);
        else
            logger.LogInformation("Run {Run} of {Flow} completed: {Rows} new rows, {NeedsPerson} need a person, {Handled} with failures the flow handled, {Held} held, in {Seconds:0.00} s",
                report.RunId, report.Flow, report.Rows, report.NeedsPerson, report.HandledFailures, report.Held, report.Elapsed.TotalSeconds);
    }

    /// <summary>A row's status as the JSON contract writes enum values (camelCase, "done"), also in the message.</summary>
    private static string StatusText(RowStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}
