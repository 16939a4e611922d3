using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// The new rows of one read, kept as their key's and cells' UTF-8 bytes: a row becomes a <see cref="SourceItem"/>
/// (strings and a field dictionary, about 1 KB for six columns) only when the engine takes it, batch by batch, and is
/// dropped after. Up to <c>memoryBytes</c> (about 20,000 rows of a small form) the bytes stay in memory; beyond, they go
/// to a <see cref="PrivateTempFile"/>, so what a run holds for its rows is 16 bytes a row however many there are
/// (docs/performance.md, "Memory flat with the rows"). Each access builds a new item with the same content.
/// Read by one thread at a time, as the engine walks a run; disposed by the engine when the run ends.
/// </summary>
internal sealed class NewRowList(SheetHeader header, string position, int memoryBytes = NewRowList.DefaultMemoryBytes)
    : IItemsBuiltWhenAsked, IDisposable
{
    public const int DefaultMemoryBytes = 4 * 1024 * 1024;

    // Where each row's record starts, its length and its row number. A record: the key, the cell count, then each
    // cell, every part as a little-endian int32 length followed by that many bytes.
    private readonly List<(long Offset, int Length, int Number)> _rows = [];
    // The records from _tailOffset on; those before it are in _file.
    private byte[] _tail = new byte[4096];
    private int _tailUsed;
    private long _tailOffset;
    private FileStream? _file;
    private int _mostCells;

    /// <summary>The spreadsheet's locale, given to every item (see <see cref="SourceItem.Locale"/>).</summary>
    public string Locale { get; set; } = "";

    /// <summary>Whether the rows outgrew memory and are in a file (for tests).</summary>
    public bool Spilled => _file is not null;

    public int Count => _rows.Count;

    public SourceItem this[int index] => Read(index, (record, number) =>
    {
        var key = NextPart(ref record);
        var cells = new string[BinaryPrimitives.ReadInt32LittleEndian(record)];
        record = record[4..];
        for (var c = 0; c < cells.Length; c++) cells[c] = NextPart(ref record);
        return new SourceItem(key, number, header.Fields(cells), position, Locale);
    });

    public string KeyAt(int index) => Read(index, (record, _) => NextPart(ref record));

    public IReadOnlyCollection<string> FieldNames => header.FieldNames(_mostCells);

    private delegate T RecordReader<T>(ReadOnlySpan<byte> record, int number);

    private T Read<T>(int index, RecordReader<T> read)
    {
        var (offset, length, number) = _rows[index];
        if (offset >= _tailOffset) return read(_tail.AsSpan((int)(offset - _tailOffset), length), number);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            if (RandomAccess.Read(_file!.SafeFileHandle, rented.AsSpan(0, length), offset) != length)
                throw new IOException($"the file the new rows were kept in ended early, at row {number}");
            return read(rented.AsSpan(0, length), number);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Keeps row <paramref name="number"/>: cells <paramref name="firstCell"/> to
    /// <paramref name="firstCell"/> + <paramref name="cells"/> - 1 of <paramref name="source"/>.</summary>
    public void Add(string key, int number, RawRow source, int firstCell, int cells)
    {
        var length = 4 + Encoding.UTF8.GetByteCount(key) + 4;
        for (var c = 0; c < cells; c++) length += 4 + source.Cell(firstCell + c).Length;
        var record = Reserve(length);
        _mostCells = Math.Max(_mostCells, cells);
        _rows.Add((_tailOffset + _tailUsed, length, number));
        var written = WritePart(record, Encoding.UTF8.GetBytes(key, record[4..]));
        BinaryPrimitives.WriteInt32LittleEndian(record[written..], cells);
        written += 4;
        for (var c = 0; c < cells; c++)
        {
            var cell = source.Cell(firstCell + c);
            cell.CopyTo(record[(written + 4)..]);
            written += WritePart(record[written..], cell.Length);
        }
        _tailUsed += length;
    }

    public IEnumerator<SourceItem> GetEnumerator()
    {
        for (var i = 0; i < _rows.Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose() => _file?.Dispose();

    /// <summary>Room for a record of <paramref name="length"/> bytes at the end of the tail, which goes to the file
    /// first when memory is used up.</summary>
    private Span<byte> Reserve(int length)
    {
        if (_tailUsed + length > memoryBytes && _tailUsed > 0)
        {
            _file ??= PrivateTempFile.Create("rows");
            RandomAccess.Write(_file.SafeFileHandle, _tail.AsSpan(0, _tailUsed), _tailOffset);
            _tailOffset += _tailUsed;
            _tailUsed = 0;
        }
        if (_tail.Length - _tailUsed < length)
            Array.Resize(ref _tail, (int)Math.Min(Array.MaxLength, Math.Max(Math.Min((long)_tail.Length * 2, memoryBytes), (long)_tailUsed + length)));
        return _tail.AsSpan(_tailUsed, length);
    }

    /// <summary>Writes the length prefix of a part whose <paramref name="length"/> bytes follow it; returns the part's size.</summary>
    private static int WritePart(Span<byte> at, int length)
    {
        BinaryPrimitives.WriteInt32LittleEndian(at, length);
        return 4 + length;
    }

    private static string NextPart(ref ReadOnlySpan<byte> record)
    {
        var length = BinaryPrimitives.ReadInt32LittleEndian(record);
        var text = Encoding.UTF8.GetString(record.Slice(4, length));
        record = record[(4 + length)..];
        return text;
    }
}
