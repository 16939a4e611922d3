using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// One pass over a whole tab, header first, comparing every ready row's key with the journal in bulk (a few thousand
/// keys per question) and keeping only the rows that are new, so 100,000 known rows never become 100,000 items.
/// A row recorded under the key the stored position's keying gave it (an older version's positional hash, or the
/// flow's previous <c>columns</c>) is recognised, and its current key recorded as known so the next run needs no
/// second key. With <paramref name="takeAllAsKnown"/> every ready row is recorded as known instead ("existingRows": "skip").
/// </summary>
internal sealed class NewRowsScan(
    ValueRows values,
    int headerRow,
    Func<IReadOnlyList<string>, SheetHeader> openHeader,
    IReadOnlyList<string> keyColumns,
    IReadOnlyList<string>? contentColumns,
    EditedRows edited,
    IReadOnlyList<string> required,
    SheetPosition? stored,
    IRecordedItems recorded,
    bool takeAllAsKnown)
{
    private const int RowsPerLookup = 4096;

    private readonly List<(int Number, Range Place, string Key, string? StoredKey)> _pending = [];
    private SheetHeader? _header;
    private RowKeying _keying = null!;
    private Func<RawRow, string?>? _storedKeyOf;
    private int[] _required = [];
    private int _index;

    /// <summary>The new rows, in sheet order.</summary>
    public List<SourceItem> Items { get; } = [];

    /// <summary>The position to store after this read: how its keys were made.</summary>
    public string Position { get; private set; } = "";

    /// <summary>Data rows read (blank ones included).</summary>
    public int Rows => Math.Max(0, _index - 1);

    public void Add(RawRow row, Range place)
    {
        if (_index++ == 0)
        {
            Open(row.ToStrings());
            return;
        }
        if (row.IsBlankRow()) return;
        // Not ready (a required cell, or every key cell, still empty): not taken, and not recorded, so the read
        // after someone fills it in finds it like any new row.
        if (Array.Exists(_required, row.IsBlank)) return;
        if (_keying.KeyOf(row) is not { } key) return;
        _pending.Add((headerRow + _index - 1, place, key, _storedKeyOf?.Invoke(row)));
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
        if (takeAllAsKnown)
        {
            recorded.RecordKnown([.. _pending.Select(p => p.Key)]);
            _pending.Clear();
            return;
        }
        var known = recorded.FindRecorded([.. _pending.Select(p => p.Key).Concat(_pending.Select(p => p.StoredKey).OfType<string>()).Distinct()]);
        var adopted = new List<string>();
        foreach (var (number, place, key, storedKey) in _pending)
        {
            if (known.Contains(key)) continue;
            if (storedKey is not null && known.Contains(storedKey))
            {
                adopted.Add(key);
                continue;
            }
            Items.Add(new SourceItem(key, number, _header!.Fields(values.CellsAt(place)), Position));
        }
        if (adopted.Count > 0) recorded.RecordKnown(adopted);
        _pending.Clear();
    }

    private static bool SameColumns(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
