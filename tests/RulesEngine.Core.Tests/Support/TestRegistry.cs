using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Support;

/// <summary>
/// A registry with one source type ("memory.rows") and one receiver type ("test.call") whose instances the test
/// can reach by step id, so engine behaviour is tested through the same flow JSON users write.
/// </summary>
internal sealed class TestRegistry
{
    public ListSource Source { get; }
    public Dictionary<string, ScriptedReceiver> Receivers { get; } = new();
    public Func<string, Func<ItemScope, StepOutcome>> Answers { get; set; } = _ => _ => StepOutcome.Success();

    public TestRegistry(IReadOnlyList<string>? fields = null)
    {
        Source = new ListSource(fields ?? ["Email", "Name", "First Name"]);
        Registry = new ConnectorRegistry();
        Registry.AddSource(new StepSpec("memory.rows", "rows from memory", [new FieldSpec("rows", FieldKind.Number, "unused")]), _ => Source);
        Registry.AddReceiver(
            new StepSpec("test.call", "a scripted call", [new FieldSpec("text", FieldKind.Template, "a template", Required: false)]),
            config =>
            {
                config.Template("text");
                var receiver = new ScriptedReceiver(scope => Answers(config.Id)(scope));
                Receivers[config.Id] = receiver;
                return receiver;
            });
    }

    public ConnectorRegistry Registry { get; }

    public FlowSet Load(string json, string name = "flow.json", bool collectible = true)
    {
        var dir = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, json);
        return new FlowLoader(Registry, ConnectionsFile.Empty(Registry)) { CollectibleCode = collectible }.Load([path]);
    }

    public Flow LoadValid(string json)
    {
        var set = Load(json);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        return set.Flows.Single();
    }
}
