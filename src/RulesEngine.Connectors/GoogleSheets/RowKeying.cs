using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// How one read knows its rows: by values under column names, never by cell positions, so inserting, moving or
/// reordering columns changes no key.
/// <list type="bullet">
/// <item>Without key columns, a row is its content: the (name, value) pairs of <see cref="ContentColumns"/> (the flow's
/// <c>columns</c>) or, when the flow declares none, of every named non-empty cell, sorted by name; non-empty cells under
/// no header name count by value alone. Empty cells count as absent, so a new empty column changes nothing.</item>
/// <item>With key columns, a row is its key cells (trimmed, in declared order; the same formula as before version 2),
/// and with <see cref="EditedRows.Process"/> its content too, so an edited row is a new version of the same row.</item>
/// </list>
/// </summary>
internal sealed class RowKeying
{
    private readonly (byte[] Name, int Column)[] _content;
    private readonly int[] _keyColumns;
    private readonly EditedRows _edited;
    // Reused row after row (a read is one thread): no hash object or list per row.
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<int> _unnamed = [];

    public RowKeying(SheetHeader header, IReadOnlyList<string> keyColumns, IReadOnlyList<string>? contentColumns, EditedRows edited)
    {
        ContentColumns = contentColumns is null ? null : [.. contentColumns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        _content = ContentColumns is null
            ? [.. header.KeyNames.Select((name, column) => (name, column)).Where(c => c.name is not null)
                .OrderBy(c => c.name, StringComparer.Ordinal).Select(c => (Encoding.UTF8.GetBytes(c.name!), c.column))]
            // A declared column missing from the header (only an older position's columns can be) counts as empty.
            : [.. ContentColumns.Select(name => (Encoding.UTF8.GetBytes(name), header.IndexOf(name)))];
        _keyColumns = [.. keyColumns.Select(header.IndexOf)];
        _edited = edited;
        NamedColumns = ContentColumns is null ? [.. header.KeyNames.Select(n => n is not null)] : null;
    }

    /// <summary>The columns a row's content is taken from, sorted; null: all named cells.</summary>
    public IReadOnlyList<string>? ContentColumns { get; }

    /// <summary>Whether a row's content takes part in its key (no key columns, or edited rows processed).</summary>
    public bool UsesContent => _keyColumns.Length == 0 || _edited == EditedRows.Process;

    // For content over all named cells: which columns have a name (the others count by value alone).
    private bool[]? NamedColumns { get; }

    /// <summary>The row's key; null when the row has no identity yet (every key cell empty).</summary>
    public string? KeyOf(IReadOnlyList<string> cells) => KeyOf(RawRow.Of(cells));

    /// <inheritdoc cref="KeyOf(IReadOnlyList{string})"/>
    public string? KeyOf(RawRow row)
    {
        if (_keyColumns.Length == 0) return ContentKey(row);
        var values = _keyColumns.Select(c => row.Text(c).Trim()).ToList();
        if (values.All(v => v.Length == 0)) return null;
        // An object, so a key never equals the content key of a row that holds just those cells.
        var identity = SheetRow.Hash(new JObject { ["key"] = new JArray(values) }.ToString(Formatting.None));
        return _edited == EditedRows.Process ? SheetRow.Hash($"{identity}/{ContentKey(row)}") : identity;
    }

    private string ContentKey(RawRow row)
    {
        _hash.AppendData("sheet-row/2"u8);
        foreach (var (name, column) in _content)
        {
            if (row.IsBlank(column)) continue;
            Append(name);
            Append(row.Cell(column));
        }
        if (NamedColumns is { } named)
        {
            // Cells under no name (beyond the header, or an empty header cell) still tell rows apart, by value alone:
            // sorted, so moving them changes nothing either.
            _unnamed.Clear();
            for (var c = 0; c < row.Count; c++)
                if ((c >= named.Length || !named[c]) && !row.IsBlank(c)) _unnamed.Add(c);
            if (_unnamed.Count > 1) _unnamed.Sort((a, b) => row.Cell(a).SequenceCompareTo(row.Cell(b)));
            foreach (var column in _unnamed)
            {
                Append([]);
                Append(row.Cell(column));
            }
        }
        Span<byte> digest = stackalloc byte[32];
        _hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>A length-prefixed part, so no two different sequences of names and values hash alike.</summary>
    private void Append(ReadOnlySpan<byte> part)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, part.Length);
        _hash.AppendData(length);
        _hash.AppendData(part);
    }
}

/// <summary>What a processed row whose cells were edited is, for a flow with key columns.</summary>
internal enum EditedRows
{
    /// <summary>The same row, already processed: not sent again (a Status the flow writes back stays quiet).</summary>
    Ignore,

    /// <summary>A new version of the row: processed once more, so corrected data reaches the service.</summary>
    Process,
}
