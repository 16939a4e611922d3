using Microsoft.Extensions.Logging;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Runs a flow with <see cref="FlowRunner"/> under the flow's lease in the state store (so a <c>run</c> from another
/// process and the daemon never overlap), and logs the run and every row that did not simply succeed, each line
/// carrying <c>flow</c>, <c>run</c> and <c>row</c>. On a cluster node, <paramref name="cluster"/> lets a run take
/// over the lease of a run cut by a node that stopped checking in, without waiting for the lease to expire.
/// </summary>
internal sealed class LeasedRunExecutor(IStateStore store, TimeProvider clock, ILogger logger, IClusterMembers? cluster = null) : IFlowRunExecutor
{
    private readonly FlowRunner _runner = new(store, clock) { Cluster = cluster };

    public async Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort)
    {
        using var flowScope = logger.BeginScope(new Dictionary<string, object?> { ["flow"] = flow.Name });
        RunReport report;
        try
        {
            // The runner gets only the abort token: a stop request must not cut a service call in half.
            report = await _runner.RunAsync(StoppingReceiver.Wrap(flow, stopping), abort, waitForLease: false);
        }
        catch (FlowBusyException e)
        {
            logger.LogWarning("Skipped a run of {Flow}: it is already running in another process ({Holder})", flow.Name, e.HolderDescription);
            Telemetry.EngineMetrics.RunSkippedBusy(flow.Name);
            return RunResult.Busy(e.HolderDescription);
        }
        catch (LeaseLostException e) when (!abort.IsCancellationRequested)
        {
            logger.LogError("Run of {Flow} stopped acting: {Error}", flow.Name, e.Message);
            return RunResult.Aborted(e.Message);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            logger.LogWarning("Run of {Flow} was stopped at once; the journal keeps every answer recorded so far", flow.Name);
            return RunResult.Aborted("stopped at once");
        }
        Log(report);
        return RunResult.Finished(report);
    }

    /// <summary>A row's status as the JSON contract writes enum values (camelCase, "done"), also in the message.</summary>
    private static string StatusText(RowStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private void Log(RunReport report)
    {
        using var runScope = logger.BeginScope(new Dictionary<string, object?> { ["run"] = report.RunId });
        foreach (var item in report.Items)
        {
            using var rowScope = logger.BeginScope(new Dictionary<string, object?> { ["row"] = item.Item.Number });
            var failed = item.Steps.Where(s => s.Status == OutcomeStatus.Failed).Select(s => $"{s.StepId}: {s.Error}").ToList();
            if (item.Status == RowStatus.Held)
                logger.LogWarning("Row {Row} held, retried on the next run: {Error}", item.Item.Number, item.Error);
            else if (item.Status == RowStatus.Error)
                logger.LogError("Row {Row} stopped: {Error}", item.Item.Number, item.Error);
            else if (item.Attention.NeedsPerson)
                logger.LogWarning("Row {Row} needs a person: {Attention}", item.Item.Number, item.Attention.Reason);
            else if (failed.Count > 0)
                logger.LogInformation("Row {Row} {Status} with failures the flow handled: {Failed}", item.Item.Number, StatusText(item.Status), string.Join("; ", failed));
            else
                logger.LogDebug("Row {Row} {Status}", item.Item.Number, StatusText(item.Status));
        }
        var held = report.Items.Count(i => i.Status == RowStatus.Held);
        if (report.Status == RunStatus.Failed)
            logger.LogError("Run {Run} of {Flow} failed: {Error}", report.RunId, report.Flow, report.Error);
        else
            logger.LogInformation("Run {Run} of {Flow} completed: {Rows} new rows, {NeedsPerson} need a person, {Handled} with failures the flow handled, {Held} held, in {Seconds:0.00} s",
                report.RunId, report.Flow, report.Items.Count, report.NeedsPerson, report.HandledFailures, held, report.Elapsed.TotalSeconds);
    }
}
