namespace RulesEngine.Core.Connections;

/// <summary>
/// A registered connection type: its spec and how to build its client. <see cref="Create"/> returns null, or anything,
/// once it has reported problems on the settings; the connections file then keeps only the problems.
/// </summary>
internal sealed class ConnectionType
{
    internal ConnectionType(ConnectionSpec spec, Type clientType, Func<ConnectionSettings, object?> create,
        Func<object, CancellationToken, Task<string>>? selfTest)
    {
        if ((selfTest is null) != (spec.SelfTest is null))
            throw new ArgumentException($"connection type {spec.Type}: give both a self-test and its description (ConnectionSpec.SelfTest), or neither");
        Spec = spec;
        ClientType = clientType;
        Create = create;
        SelfTest = selfTest;
    }

    public ConnectionSpec Spec { get; }

    /// <summary>What steps receive from <c>StepConfig.Connection&lt;T&gt;()</c>.</summary>
    public Type ClientType { get; }

    internal Func<ConnectionSettings, object?> Create { get; }

    /// <summary>One harmless request that proves the settings work; returns what it learned, for people.</summary>
    internal Func<object, CancellationToken, Task<string>>? SelfTest { get; }
}
