using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Stands in for a step whose settings had load errors. Those errors stop the flow from loading, so this is never
/// expected to run; if it does, every item fails with a pointer to the errors instead of a null reference.
/// </summary>
internal sealed class UnconfiguredReceiver(string stepId) : IReceiver
{
    private StepOutcome Outcome => StepOutcome.Failure($"step '{stepId}' is not configured; see the errors reported when the flow loaded");

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepOutcome>>([.. items.Select(_ => Outcome)]);

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepPreview>>([.. items.Select(_ => new StepPreview([], Outcome))]);
}
