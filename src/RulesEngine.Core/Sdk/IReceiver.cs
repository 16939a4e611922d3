using RulesEngine.Core.Expressions;

namespace RulesEngine.Sdk;

/// <summary>
/// A step that calls a service for each item that reaches it.
/// Contract: never throw for a per-item problem; return one outcome per item, in order (a failed call is an
/// outcome with <see cref="OutcomeStatus.Failed"/> and its error text, or <see cref="OutcomeStatus.Held"/> when the
/// service gave no answer). Exceptions are for cancellation only. The runner receives a batch so a receiver can
/// serve several items with one API call; it records every outcome in one place.
/// </summary>
public interface IReceiver
{
    /// <summary>Calls the service for each item; one outcome per item, in order.</summary>
    Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken);

    /// <summary>What <see cref="ExecuteAsync"/> would send for each item, with no side effect.</summary>
    Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken);
}
