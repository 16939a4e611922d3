namespace RulesEngine.Sdk;

/// <summary>One item read from a source: a sheet row, with its fields by column name.</summary>
/// <param name="Key">Stable identity of the item's content, used to recognise it as processed even when it moved.</param>
/// <param name="Number">Where the item is in the source (the sheet row number), for people.</param>
/// <param name="PositionAfter">The source position to store once this item and every item before it are recorded.</param>
/// <param name="Locale">The culture the source formats numbers and dates in (a spreadsheet's locale, e.g. "de_DE");
/// "" when unknown. Typed reads in expressions (<c>Row.AsNumber("Amount")</c>) use it.</param>
public sealed record SourceItem(string Key, int Number, IReadOnlyDictionary<string, string> Fields, string PositionAfter, string Locale = "")
{
    /// <summary>What conditions and templates see of this item, in one run.</summary>
    internal ItemScope ToScope(RunInfo run) =>
        new(new SourceRow(Number, Fields) { Locale = Locale }, run);
}

/// <summary>The new items found by one read, in source order.</summary>
/// <param name="Items">The engine walks these batch by batch and holds none it has walked. A plain list's items all
/// exist at once when the run starts; a source that may find many items should hand back a list that builds each
/// item when asked (<see cref="IItemsBuiltWhenAsked"/>), so that only a batch's items exist at once. A list that is
/// <see cref="IDisposable"/> is disposed when the run ends, however it ends.</param>
/// <param name="PositionWhenNoItems">The position to store when the read found nothing new (null: leave it).</param>
public sealed record SourceRead(IReadOnlyList<SourceItem> Items, string? PositionWhenNoItems = null);

/// <summary>
/// A source's list of items that keeps them compact and builds each <see cref="SourceItem"/> when its index is read.
/// Before a run walks any item, the engine asks every item's key (to pass over those already recorded) and every
/// field name (to check them against the flow's declared columns); this list answers both without building items.
/// </summary>
public interface IItemsBuiltWhenAsked : IReadOnlyList<SourceItem>
{
    /// <summary>The <see cref="SourceItem.Key"/> of item <paramref name="index"/>.</summary>
    string KeyAt(int index);

    /// <summary>Every field name any of the items has (the union of their <see cref="SourceItem.Fields"/> keys).</summary>
    IReadOnlyCollection<string> FieldNames { get; }
}

/// <summary>
/// Where items come from. The engine owns the position: it passes the stored one in and stores
/// <see cref="SourceItem.PositionAfter"/> only once an item is durably recorded, so a source never moves it itself.
/// </summary>
public interface ISource
{
    /// <summary>Identity of what is read (spreadsheet and sheet). When it changes, a new position starts.</summary>
    string PositionKey { get; }

    /// <summary>The field names, when the flow declares them (lets conditions use columns as identifiers).</summary>
    IReadOnlyList<string>? DeclaredFields { get; }

    /// <summary>Items after <paramref name="position"/> (null: from the beginning). Items already recorded may come
    /// again; the engine skips them by <see cref="SourceItem.Key"/>.</summary>
    Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken);

    /// <summary>Items after <paramref name="position"/> that <paramref name="recorded"/> does not know. The engine calls
    /// this one; a source that can compare its items with the journal itself (and so return only new ones, or recognise
    /// an item under a key an older version used) overrides it.</summary>
    Task<SourceRead> ReadNewAsync(string? position, IRecordedItems recorded, CancellationToken cancellationToken) =>
        ReadNewAsync(position, cancellationToken);

    /// <summary>The position at the current end of the source (used when a flow starts with "skip existing rows").</summary>
    Task<string> ReadEndPositionAsync(CancellationToken cancellationToken);

    /// <summary>The position at the current end of the source; a source that knows its items by key rather than by
    /// place records the items there now as known through <paramref name="recorded"/>. The engine calls this one.</summary>
    Task<string> ReadEndPositionAsync(IRecordedItems recorded, CancellationToken cancellationToken) =>
        ReadEndPositionAsync(cancellationToken);

    /// <summary>One real item for test data: the given row number, or the last one. Never moves any position.</summary>
    Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken);
}
