using System.Text;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// One row's cells as UTF-8 bytes, reused from row to row while a tab is walked: keys are hashed from these bytes, and
/// only the rows that turn out to be new ever become strings. "Blank" means what <see cref="string.IsNullOrWhiteSpace"/> means.
/// </summary>
internal sealed class RawRow
{
    private readonly List<(int Start, int Length)> _cells = [];
    private byte[] _bytes = new byte[512];
    private int _used;

    public int Count => _cells.Count;

    /// <summary>Cell <paramref name="index"/>'s bytes; empty beyond the row's last cell (Google drops trailing empty cells).</summary>
    public ReadOnlySpan<byte> Cell(int index) =>
        index >= 0 && index < _cells.Count ? _bytes.AsSpan(_cells[index].Start, _cells[index].Length) : default;

    public string Text(int index) => Encoding.UTF8.GetString(Cell(index));

    public bool IsBlank(int index) => IsWhiteSpace(Cell(index));

    public bool IsBlankRow()
    {
        for (var i = 0; i < _cells.Count; i++)
            if (!IsBlank(i)) return false;
        return true;
    }

    public string[] ToStrings()
    {
        var cells = new string[_cells.Count];
        for (var i = 0; i < cells.Length; i++) cells[i] = Text(i);
        return cells;
    }

    public static RawRow Of(IReadOnlyList<string> cells)
    {
        var row = new RawRow();
        foreach (var cell in cells)
        {
            var space = row.Reserve(Encoding.UTF8.GetMaxByteCount(cell.Length));
            row.Commit(Encoding.UTF8.GetBytes(cell, space));
        }
        return row;
    }

    internal void Clear()
    {
        _cells.Clear();
        _used = 0;
    }

    internal void Add(ReadOnlySpan<byte> cell)
    {
        cell.CopyTo(Reserve(cell.Length));
        Commit(cell.Length);
    }

    /// <summary>Room for a cell of at most <paramref name="length"/> bytes; <see cref="Commit"/> says how many were written.</summary>
    internal Span<byte> Reserve(int length)
    {
        if (_bytes.Length - _used < length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + length));
        return _bytes.AsSpan(_used, length);
    }

    internal void Commit(int length)
    {
        _cells.Add((_used, length));
        _used += length;
    }

    private static bool IsWhiteSpace(ReadOnlySpan<byte> utf8)
    {
        while (!utf8.IsEmpty)
        {
            System.Text.Rune.DecodeFromUtf8(utf8, out var rune, out var consumed);
            if (!System.Text.Rune.IsWhiteSpace(rune)) return false;
            utf8 = utf8[consumed..];
        }
        return true;
    }
}
