using RulesEngine.Core.Connections;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Scheduling.Tests.Support;

/// <summary>A registry with a source that has no rows ("memory.rows") and a receiver that always succeeds
/// ("test.call"): enough to load real flow files whose runs the scheduler tests fake.</summary>
internal static class TestConnectors
{
    public static ConnectorRegistry Registry()
    {
        var registry = new ConnectorRegistry();
        registry.AddSource(new StepSpec("memory.rows", "no rows", [new FieldSpec("columns", FieldKind.Number, "unused")]), _ => new EmptySource());
        registry.AddReceiver(new StepSpec("test.call", "succeeds", [new FieldSpec("text", FieldKind.Template, "a template", Required: false)]),
            config =>
            {
                config.Template("text");
                return new SucceedingReceiver();
            });
        return registry;
    }

    public static Func<string, FlowSet> Loader()
    {
        var registry = Registry();
        var connections = ConnectionsFile.Empty(registry);
        return file => new FlowLoader(registry, connections).Load([file]);
    }

    private sealed class EmptySource : ISource
    {
        public string PositionKey => "memory";
        public IReadOnlyList<string>? DeclaredFields => ["Email"];
        public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) => Task.FromResult(new SourceRead([]));
        public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) => Task.FromResult("0");
        public Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken) => Task.FromResult<SourceItem?>(null);
    }

    private sealed class SucceedingReceiver : IReceiver
    {
        public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepOutcome>>(items.Select(_ => StepOutcome.Success()).ToList());

        public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<StepPreview>>([]);
    }
}
