using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Support;

/// <summary>
/// Like <see cref="TestRegistry"/>, but the "test.call" receiver answers through an async function of the step id and
/// the row, so a test can hold a call (await a signal) until it has seen what it waits for, without blocking a thread.
/// </summary>
internal sealed class AwaitingRegistry
{
    private readonly ConnectorRegistry _registry = new();

    public ListSource Source { get; } = new(["Email"]);

    public AwaitingRegistry(Func<string, ItemScope, Task<StepOutcome>> answer)
    {
        _registry.AddSource(new StepSpec("memory.rows", "rows from memory", [new FieldSpec("rows", FieldKind.Number, "unused")]), _ => Source);
        _registry.AddReceiver(
            new StepSpec("test.call", "answers as the test says", [new FieldSpec("text", FieldKind.Template, "a template", Required: false)]),
            config =>
            {
                config.Template("text");
                return new Receiver(scope => answer(config.Id, scope));
            });
    }

    public Flow LoadValid(string json)
    {
        var dir = Path.Combine(Path.GetTempPath(), "re-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "flow.json");
        File.WriteAllText(path, json);
        var set = new FlowLoader(_registry, ConnectionsFile.Empty(_registry)).Load([path]);
        Assert.True(set.Succeeded, string.Join("\n", set.Diagnostics));
        return set.Flows.Single();
    }

    private sealed class Receiver(Func<ItemScope, Task<StepOutcome>> answer) : IReceiver
    {
        public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
        {
            var outcomes = new List<StepOutcome>();
            foreach (var item in items) outcomes.Add(await answer(item));
            return outcomes;
        }

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }
}
