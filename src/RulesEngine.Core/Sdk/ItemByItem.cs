namespace RulesEngine.Sdk;

/// <summary>
/// The loop of a step that calls its service once per item, in order: the caller's cancellation ends it, and once
/// the run is stopping the item in flight finishes but no further item is called (each is held, nothing sent).
/// </summary>
public static class ItemByItem
{
    /// <summary>Calls <paramref name="call"/> for each item in turn; an item reached after the run began stopping is held, not called.</summary>
    /// <param name="call">One item's whole call, turned into its outcome (never throwing for a per-item problem).</param>
    public static Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items,
        Func<ItemScope, CancellationToken, Task<StepOutcome>> call, CancellationToken cancellationToken) =>
        EachAsync(items, call, StepCall.NotCalled, cancellationToken);

    /// <summary>The preview of a step, one item at a time, in order (a preview may make read-only calls, so the
    /// caller's cancellation ends it between items; a preview sends nothing, so a stopping run does not cut it).</summary>
    /// <param name="preview">One item's preview (never throwing for a per-item problem).</param>
    public static Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items,
        Func<ItemScope, CancellationToken, Task<StepPreview>> preview, CancellationToken cancellationToken) =>
        EachAsync(items, preview, whenStopping: null, cancellationToken);

    private static async Task<IReadOnlyList<T>> EachAsync<T>(IReadOnlyList<ItemScope> items,
        Func<ItemScope, CancellationToken, Task<T>> one, Func<T>? whenStopping, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(one);
        var results = new List<T>(items.Count);
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(whenStopping is not null && StepCall.Current.IsStopping
                ? whenStopping()
                : await one(item, cancellationToken).ConfigureAwait(false));
        }
        return results;
    }
}
