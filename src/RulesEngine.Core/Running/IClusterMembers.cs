namespace RulesEngine.Core.Running;

/// <summary>
/// The cluster this process is a node of, as the flow leases see it. A run lease taken by a node names the node, so
/// a run cut by a node that died on another machine (where its pid cannot be checked) is taken over as soon as the
/// cluster knows the node stopped checking in and the lease went unrenewed for
/// <see cref="RunLease.UnrenewedBeforeTakeover"/>, not when the lease expires (<see cref="FlowRunner.LeaseDuration"/>).
/// The cluster supplies it; Core knows nothing of how nodes check in.
/// </summary>
internal interface IClusterMembers
{
    /// <summary>This node's id, written into the leases it takes.</summary>
    string NodeId { get; }

    /// <summary>True only when the node is known to have stopped checking in (dead, or cut off for longer than the
    /// cluster allows). A node that checks in, or whose state cannot be read, counts as alive: a wrong "alive" only
    /// makes a run wait for the lease to expire, a wrong "gone" would let two runs work on the same rows.</summary>
    Task<bool> HasLeftAsync(string nodeId, CancellationToken cancellationToken);
}
