namespace RulesEngine.Core.Running;

/// <summary>
/// Told how far a run has got, so a long run is not silent (a first run on a big sheet can take hours at a
/// service's rate limit). Called on the run's own flow, between batches: an implementation must return at once
/// (count, and draw elsewhere) so that watching a run never slows it.
/// </summary>
internal interface IRunProgress
{
    /// <summary>The rows run <paramref name="runId"/> will walk through the steps are known (rows earlier runs
    /// recorded are not counted).</summary>
    void Started(string runId, int rows);

    /// <summary>One row's outcome has just been recorded.</summary>
    void RowDone(ItemReport row);

    /// <summary>Another process holds the flow and the run waits for it (<c>--wait</c>); said once, before waiting.
    /// <paramref name="holder"/> is readable (pid, host, start time).</summary>
    void WaitingForLease(string holder);
}
