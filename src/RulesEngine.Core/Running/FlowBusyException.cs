namespace RulesEngine.Core.Running;

/// <summary>Another process holds the flow's run lease: a flow never runs twice at once.</summary>
internal sealed class FlowBusyException(string flow, string holder)
    : Exception($"flow '{flow}' is already running ({LeaseHolder.Describe(holder)}); wait for it to finish, or pass --wait")
{
    /// <summary>The holder as a person reads it (pid, host, start time in UTC).</summary>
    public string HolderDescription => LeaseHolder.Describe(Holder);

    public string Flow { get; } = flow;
    public string Holder { get; } = holder;
}
