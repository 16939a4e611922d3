using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Sdk;

/// <summary>
/// The step, source and connection types a program knows. Each connector registers its own types here
/// (one <c>Register</c> call per connector); the engine only looks them up by name. A registry is an object,
/// so tests and tools can build one with exactly the connectors they want.
/// </summary>
public sealed class ConnectorRegistry
{
    private readonly Dictionary<string, (StepSpec Spec, Func<StepConfig, IReceiver> Create)> _receivers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (StepSpec Spec, Func<StepConfig, ISource> Create)> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConnectionType> _connections = new(StringComparer.Ordinal);

    /// <summary>An empty registry; the composition root (and a test) adds the connectors it wants.</summary>
    public ConnectorRegistry()
    {
    }

    /// <summary>
    /// Registers a connection type: its spec (settings, checked before <paramref name="create"/> runs) and how to build
    /// its client from checked settings. <paramref name="create"/> reports problems on the settings and may then
    /// return null; it never throws for bad settings.
    /// </summary>
    /// <param name="selfTest">Optional: one harmless request proving the settings work (the token is accepted, the server
    /// answers), run by <c>rulesengine connections test</c>; it returns what it learned and throws when it fails.
    /// Described for people by <see cref="ConnectionSpec.SelfTest"/>.</param>
    public void AddConnection<TClient>(ConnectionSpec spec, Func<ConnectionSettings, TClient?> create,
        Func<TClient, CancellationToken, Task<string>>? selfTest = null) where TClient : class
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(create);
        _connections.Add(spec.Type, new ConnectionType(spec, typeof(TClient), settings => create(settings),
            selfTest is null ? null : (client, cancellationToken) => selfTest((TClient)client, cancellationToken)));
    }

    /// <summary>
    /// Registers a step type. <paramref name="create"/> returns null when the step cannot be built because its settings
    /// or its connection had problems, which it has reported through the <see cref="StepConfig"/> (a connection's own
    /// problems are reported once, at the connections file); one <see cref="NotLoadedReceiver"/> then stands in, so no
    /// connector needs a placeholder of its own.
    /// </summary>
    public void AddReceiver(StepSpec spec, Func<StepConfig, IReceiver?> create)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(create);
        _receivers.Add(spec.Type, (spec, config => create(config) ?? new NotLoadedReceiver(config.Id, spec.Type)));
    }

    /// <summary>Registers a source type (where a flow's items come from).</summary>
    public void AddSource(StepSpec spec, Func<StepConfig, ISource> create) => _sources.Add(spec.Type, (spec, create));

    internal IEnumerable<StepSpec> Receivers => _receivers.Values.Select(r => r.Spec).OrderBy(s => s.Type);
    internal IEnumerable<StepSpec> Sources => _sources.Values.Select(r => r.Spec).OrderBy(s => s.Type);
    internal IEnumerable<string> ConnectionTypes => _connections.Keys.Order();
    internal IEnumerable<ConnectionSpec> Connections => _connections.Values.Select(c => c.Spec).OrderBy(s => s.Type, StringComparer.Ordinal);

    internal bool TryGetReceiver(string type, out StepSpec spec, out Func<StepConfig, IReceiver> create)
    {
        var found = _receivers.TryGetValue(type, out var entry);
        (spec, create) = entry;
        return found;
    }

    internal bool TryGetSource(string type, out StepSpec spec, out Func<StepConfig, ISource> create)
    {
        var found = _sources.TryGetValue(type, out var entry);
        (spec, create) = entry;
        return found;
    }

    internal bool TryGetConnectionType(string type, out ConnectionType connectionType) =>
        _connections.TryGetValue(type, out connectionType!);
}
