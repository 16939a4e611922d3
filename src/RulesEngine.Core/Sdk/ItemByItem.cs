using RulesEngine.Core.Expressions;

namespace RulesEngine.Sdk;

/// <summary>
/// The loop of a step that calls its service once per item, in order: the caller's cancellation ends it, and once
/// the run is stopping the item in flight finishes but no further item is called (each is held, nothing sent).
/// </summary>
public static class ItemByItem
{
    /// <summary>Calls <paramref name="call"/> for each item in turn; an item reached after the run began stopping is held, not called.</summary>
    /// <param name="call">One item's whole call, turned into its outcome (never throwing for a per-item problem).</param>
    public static async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items,
        Func<ItemScope, CancellationToken, Task<StepOutcome>> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(call);
        var outcomes = new List<StepOutcome>(items.Count);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes.Add(StepCall.Current.IsStopping ? StepCall.NotCalled() : await call(item, cancellationToken).ConfigureAwait(false));
        }
        return outcomes;
    }

    /// <summary>The preview of a step, one item at a time, in order (a preview may make read-only calls, so the
    /// caller's cancellation ends it between items).</summary>
    /// <param name="preview">One item's preview (never throwing for a per-item problem).</param>
    public static async Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items,
        Func<ItemScope, CancellationToken, Task<StepPreview>> preview, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(preview);
        var previews = new List<StepPreview>(items.Count);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            previews.Add(await preview(item, cancellationToken).ConfigureAwait(false));
        }
        return previews;
    }
}
