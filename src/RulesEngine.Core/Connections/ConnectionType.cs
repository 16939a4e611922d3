namespace RulesEngine.Core.Connections;

/// <summary>
/// A registered connection type: its spec and how to build its client. <see cref="Create"/> returns null, or anything,
/// once it has reported problems on the settings; the connections file then keeps only the problems.
/// </summary>
public sealed class ConnectionType
{
    internal ConnectionType(ConnectionSpec spec, Type clientType, Func<ConnectionSettings, object?> create)
    {
        Spec = spec;
        ClientType = clientType;
        Create = create;
    }

    public ConnectionSpec Spec { get; }

    /// <summary>What steps receive from <c>StepConfig.Connection&lt;T&gt;()</c>.</summary>
    public Type ClientType { get; }

    internal Func<ConnectionSettings, object?> Create { get; }
}
