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

    private readonly List<(int Number, string[] Cells, string Key, string? StoredKey)> _pending = [];
    private SheetHeader? _header;
    private RowKeying _keying = null!;
    private Func<IReadOnlyList<string>, string?>? _storedKeyOf;
    private int[] _required = [];
    private int _index;

    /// <summary>The new rows, in sheet order.</summary>
    public List<SourceItem> Items { get; } = [];

    /// <summary>The position to store after this read: how its keys were made.</summary>
    public string Position { get; private set; } = "";

    /// <summary>Data rows read (blank ones included).</summary>
    public int Rows => Math.Max(0, _index - 1);

    public void Add(string[] cells)
    {
        if (_index++ == 0)
        {
            Open(cells);
            return;
        }
        if (Array.TrueForAll(cells, string.IsNullOrWhiteSpace)) return;
        // Not ready (a required cell, or every key cell, still empty): not taken, and not recorded, so the read
        // after someone fills it in finds it like any new row.
        if (Array.Exists(_required, c => c >= cells.Length || string.IsNullOrWhiteSpace(cells[c]))) return;
        if (_keying.KeyOf(cells) is not { } key) return;
        _pending.Add((headerRow + _index - 1, cells, key, _storedKeyOf?.Invoke(cells)));
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
    private Func<IReadOnlyList<string>, string?>? StoredKeying(SheetHeader header)
    {
        if (stored is null || !_keying.UsesContent) return null;
        // Before version 2 a row's key (without key columns) was a hash of its cells by position: recomputable only
        // while the header is the one those keys were made under.
        if (stored.LegacyHeader is { } legacyHeader)
            return keyColumns.Count == 0 && header.LegacyKey == legacyHeader ? SheetRow.LegacyKeyOf : null;
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
        foreach (var (number, cells, key, storedKey) in _pending)
        {
            if (known.Contains(key)) continue;
            if (storedKey is not null && known.Contains(storedKey))
            {
                adopted.Add(key);
                continue;
            }
            Items.Add(new SourceItem(key, number, _header!.Fields(cells), Position));
        }
        if (adopted.Count > 0) recorded.RecordKnown(adopted);
        _pending.Clear();
    }

    private static bool SameColumns(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        a is null ? b is null : b is not null && a.SequenceEqual(b, StringComparer.Ordinal);
}
