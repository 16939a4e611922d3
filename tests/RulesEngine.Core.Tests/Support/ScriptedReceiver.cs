using RulesEngine.Core.Expressions;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Support;

/// <summary>A receiver for engine tests: answers each item with <paramref name="answer"/> and remembers every call.</summary>
internal sealed class ScriptedReceiver(Func<ItemScope, StepOutcome> answer) : IReceiver
{
    public List<ItemScope> Calls { get; } = [];
    public List<int> BatchSizes { get; } = [];

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        BatchSizes.Add(items.Count);
        Calls.AddRange(items);
        return Task.FromResult<IReadOnlyList<StepOutcome>>(items.Select(answer).ToList());
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepPreview>>(items.Select(i => new StepPreview([new RequestPreview("POST", "memory://step", i.Row["Email"])], answer(i))).ToList());
}
