namespace RulesEngine.Core.Steps;

/// <summary>
/// The one stand-in for a step whose settings or connection did not load (its factory returned null after reporting
/// the problems). The loader refuses a flow with problems, so it never runs; if a factory returned null without
/// reporting anything, running it breaks the receiver contract loudly, and the runner holds the item instead of
/// recording a made-up failure.
/// </summary>
internal sealed class NotLoadedReceiver(string stepId, string stepType) : IReceiver
{
    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        throw NotLoaded();

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        throw NotLoaded();

    private InvalidOperationException NotLoaded() =>
        new($"step '{stepId}' ({stepType}) did not load (its settings or its connection had problems, reported when the flow loaded) and cannot run");
}
