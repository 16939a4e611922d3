using Microsoft.Extensions.Logging;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Runs a flow with <see cref="FlowRunner"/> under the flow's lease in the state store (so a <c>run</c> from another
/// process and the daemon never overlap), and logs every row that did not simply succeed as its batch is committed, then
/// the run (<see cref="RunLog"/>), each line carrying <c>flow</c>, <c>run</c> and <c>row</c>. The run's report keeps no
/// row reports, only their counts, so a run over 100,000 rows costs the daemon no more memory than one over 1,000. On a
/// cluster node, <paramref name="cluster"/> lets a run take over the lease of a run cut by a node that stopped checking
/// in, without waiting for the lease to expire.
/// </summary>
internal sealed class LeasedRunExecutor(IStateStore store, TimeProvider clock, ILogger logger, IClusterMembers? cluster = null) : IFlowRunExecutor
{
    private string? _owner;
    // Every run of this daemon (or cluster node) takes its lease under one name, as when they shared one runner, and the
    // name is published once for every thread (see FlowRunner.Owner for what two names would do).
    private string Owner => LazyInitializer.EnsureInitialized(ref _owner, () => LeaseHolder.ForThisProcess(cluster?.NodeId));

    public async Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort)
    {
        using var flowScope = logger.BeginScope(new Dictionary<string, object?> { ["flow"] = flow.Name });
        // A runner per run: its rows reach this run's log, whatever other flows run at the same time (--max-parallel,
        // cluster nodes); its report keeps only the counts.
        var log = new RunLog(logger);
        var runner = new FlowRunner(store, clock) { Cluster = cluster, Owner = Owner, KeepRows = false, RowRecorded = log.Row, Progress = log };
        RunReport report;
        try
        {
            // The runner gets only the abort token: a stop request must not cut a service call in half.
            report = await runner.RunAsync(StoppingReceiver.Wrap(flow, stopping), abort, waitForLease: false);
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
        log.Summary(report);
        return RunResult.Finished(report);
    }
}
