using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// One pass over a whole tab, header first, comparing every ready row's key with the journal in bulk (4,096 keys per
/// question) and keeping only the rows that are new, so 100,000 known rows never become 100,000 items.
/// A row recorded under the key the stored position's keying gave it (an older version's positional hash, or the
/// flow's previous <c>columns</c>) is recognised, and its current key recorded as known so the next run needs no
/// second key. With <paramref name="takeAllAsKnown"/> every ready row is recorded as known instead ("existingRows": "skip").
/// </summary>
internal sealed class NewRowsScan(
    int headerRow,
    Func<IReadOnlyList<string>, SheetHeader> openHeader,
    IReadOnlyList<string> keyColumns,
    IReadOnlyList<string>? contentColumns,
    EditedRows edited,
    IReadOnlyList<string> required,
    SheetPosition? stored,
    IRecordedItems recorded,
    bool takeAllAsKnown) : IRowSink
{
    private const int RowsPerLookup = 4096;

    private readonly List<(int Number, int FirstCell, int Cells, string Key, string? StoredKey)> _pending = [];
    // The pending rows' cells, copied as bytes: they become strings only if the journal does not know the row.
    private readonly RawRow _pendingCells = new();
    private SheetHeader? _header;
    private RowKeying _keying = null!;
    private Func<RawRow, string?>? _storedKeyOf;
    private int[] _required = [];
    private int _index;

    /// <summary>The new rows, in sheet order (set once the header is read: always after <see cref="Finish"/>).</summary>
    public NewRowList Items { get; private set; } = null!;

    /// <summary>The position to store after this read: how its keys were made.</summary>
    public string Position { get; private set; } = "";

    public void Add(RawRow row)
    {
        if (_index++ == 0)
        {
            Open(row.ToStrings());
            return;
        }
        if (row.IsBlankRow()) return;
        // Not ready (a required cell, or every key cell, still empty): not taken, and not recorded, so the read
        // after someone fills it in finds it like any new row.
        foreach (var column in _required)
            if (row.IsBlank(column)) return;
        if (_keying.KeyOf(row) is not { } key) return;
        var firstCell = _pendingCells.Count;
        for (var c = 0; c < row.Count; c++) _pendingCells.Add(row.Cell(c));
        _pending.Add((headerRow + _index - 1, firstCell, row.Count, key, _storedKeyOf?.Invoke(row)));
        if (_pending.Count >= RowsPerLookup) Flush();
    }

    public void Finish()
    {
        if (_header is null) Open([]);
        Flush();
    }

    private void Open(IReadOnlyList<string> cells)
    {
        _header = openHeader(cells);
        _keying = new RowKeying(_header, keyColumns, contentColumns, edited);
        _required = [.. required.Select(_header.IndexOf)];
        Position = new SheetPosition(_keying.UsesContent ? _keying.ContentColumns : null).ToString();
        Items = new NewRowList(_header, Position);
        _storedKeyOf = StoredKeying(_header);
    }

    /// <summary>How the rows recorded under the stored position were keyed, when that differs from today's keying.</summary>
    private Func<RawRow, string?>? StoredKeying(SheetHeader header)
    {
        if (stored is null || !_keying.UsesContent) return null;
        // Before version 2 a row's key (without key columns) was a hash of its cells by position: recomputable only
        // while the header is the one those keys were made under.
        if (stored.LegacyHeader is { } legacyHeader)
            return keyColumns.Count == 0 && header.LegacyKey == legacyHeader ? row => SheetRow.LegacyKeyOf(row.ToStrings()) : null;
        if (SameColumns(stored.ContentColumns, _keying.ContentColumns)) return null;
        return new RowKeying(header, keyColumns, stored.ContentColumns, edited).KeyOf;
    }

    private void Flush()
    {
        if (_pending.Count == 0) return;
        if (takeAllAsKnown) recorded.RecordKnown([.. _pending.Select(p => p.Key)]);
        else Compare();
        _pending.Clear();
        _pendingCells.Clear();
    }

    private void Compare()
    {
        var keys = new string[_pending.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = _pending[i].Key;
        var unknown = recorded.FindUnrecorded(keys);
        if (unknown.Count == 0) return;
        var fresh = _pending.Where(p => unknown.Contains(p.Key)).ToList();
        // A row the journal knows under the key the stored keying gave it is known: record today's key for it too.
        var storedUnknown = fresh.Any(p => p.StoredKey is not null)
            ? recorded.FindUnrecorded([.. fresh.Select(p => p.StoredKey).OfType<string>().Distinct()])
            : null;
        var adopted = new List<string>();
        foreach (var (number, firstCell, cells, key, storedKey) in fresh)
        {
            if (storedKey is not null && !storedUnknown!.Contains(storedKey))
            {
                adopted.Add(key);
                continue;
            }
            Items.Add(key, number, _pendingCells, firstCell, cells);
        }
        if (adopted.Count > 0) recorded.RecordKnown(adopted);
    }

    private static bool SameColumns(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
