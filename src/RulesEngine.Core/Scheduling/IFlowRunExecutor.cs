using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Runs one flow once for the scheduler. Contract: a flow's run holds the flow's lease, so it never overlaps a run
/// of the same flow anywhere (another process: <see cref="RunOutcome.Busy"/>). When <paramref name="stopping"/> is
/// cancelled the run finishes the step in flight, records it, and ends without calling further services; when
/// <paramref name="abort"/> is cancelled it ends at once. It does not throw for anything but a broken store.
/// </summary>
internal interface IFlowRunExecutor
{
    Task<RunResult> RunAsync(Flow flow, CancellationToken stopping, CancellationToken abort);
}
