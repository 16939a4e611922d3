namespace RulesEngine.Core.Running;

/// <summary>
/// A run stopped because it can no longer be sure it holds its flow's lease: another run took it over, or the state
/// could not renew it in time (see <see cref="RunLease"/>). Rows it did not finish are left to the journal and the
/// resume policies of the run that holds the lease now. It is a cancellation, so no step turns it into a row's
/// outcome: the stale run records nothing more about its rows.
/// </summary>
internal sealed class LeaseLostException(string flow, string reason)
    : OperationCanceledException($"flow '{flow}' stopped: {reason}; rows without a recorded outcome are taken by the run that holds the lease now")
{
    public string Flow { get; } = flow;
}
