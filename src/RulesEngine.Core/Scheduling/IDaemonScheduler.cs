namespace RulesEngine.Core.Scheduling;

/// <summary>
/// What <c>serve</c> runs until it is stopped: <see cref="FlowScheduler"/> on one machine, or a node of a cluster.
/// Contract: <see cref="RunAsync"/> schedules the rules folder's flows until <c>stopping</c> is cancelled, then lets
/// runs in flight finish their current step and returns true; false when runs had to be cut (the stop bound passed,
/// or <c>abort</c> was cancelled).
/// </summary>
internal interface IDaemonScheduler
{
    Task<bool> RunAsync(CancellationToken stopping, CancellationToken abort);

    /// <summary>A file of the rules folder changed: reload soon. Safe from any thread.</summary>
    void RequestRescan();
}
