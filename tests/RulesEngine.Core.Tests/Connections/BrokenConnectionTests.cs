using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;
using RulesEngine.Core.Tests.Support;

namespace RulesEngine.Core.Tests.Connections;

/// <summary>A step whose connection failed to load: one mechanism (the factory returns null, the registry stands one
/// placeholder in), and the problem reported once, at the connections file.</summary>
public sealed class BrokenConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("broken-connection-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static StepSpec ProbeStep => new("probe.call", "calls the probe", [], ConnectionType: ProbeConnection.Type);

    private FlowSet Load(ConnectorRegistry registry, string connections, string steps, List<Diagnostic> fileDiagnostics)
    {
        registry.AddSource(new StepSpec("memory.rows", "rows from memory", []), _ => new ListSource(["Email"]));
        var connectionsPath = Path.Combine(_dir, "connections.json");
        File.WriteAllText(connectionsPath, connections);
        var flowPath = Path.Combine(_dir, "flow.json");
        File.WriteAllText(flowPath, $$"""{ "source": { "type": "memory.rows" }, "steps": {{steps}} }""");
        var file = ConnectionsFile.Load(connectionsPath, registry, fileDiagnostics);
        return new FlowLoader(registry, file).Load([flowPath]);
    }

    [Fact]
    public void Load_ReportsABrokenConnectionOnce_AtTheConnectionsFile_NotAtEachStep()
    {
        var registry = ProbeConnection.Registry();
        registry.AddReceiver(ProbeStep, config => config.Connection<ProbeClient>() is { } client ? new ScriptedReceiver(_ => StepOutcome.Success()) : null);
        var fileDiagnostics = new List<Diagnostic>();

        var set = Load(registry, """{ "p": { "type": "probe", "token": "${env:PROBE_NEVER_SET_ANYWHERE}" } }""",
            """[ { "id": "a", "type": "probe.call", "connection": "p" }, { "id": "b", "type": "probe.call", "connection": "p" } ]""", fileDiagnostics);

        Assert.Empty(set.Flows);
        Assert.Empty(fileDiagnostics); // secrets are resolved only for connections a flow uses
        var diagnostic = Assert.Single(set.Diagnostics);
        Assert.Equal((Path.Combine(_dir, "connections.json"), "RE0302"), (diagnostic.File, diagnostic.Code));
    }

    [Fact]
    public async Task AStepFactoryReturningNull_GetsTheOnePlaceholder_WhichRefusesToRun()
    {
        var registry = ProbeConnection.Registry();
        registry.AddReceiver(ProbeStep, _ => null); // breaks the contract: nothing reported
        var fileDiagnostics = new List<Diagnostic>();

        var set = Load(registry, """{ "p": { "type": "probe", "token": "probe-token-0001" } }""",
            """[ { "id": "a", "type": "probe.call", "connection": "p" } ]""", fileDiagnostics);

        var step = Assert.Single(Assert.Single(set.Flows).AllSteps().OfType<ReceiverStep>());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => step.Receiver.ExecuteAsync([], CancellationToken.None));
        Assert.Contains("step 'a' (probe.call) did not load", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => step.Receiver.PreviewAsync([], CancellationToken.None));
    }
}
