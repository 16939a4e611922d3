using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>Takes the rows of a <c>values.get</c> answer one at a time, as they arrive.</summary>
internal interface IRowSink
{
    /// <summary>The next row (a blank row in the middle is empty). The row object is reused: copy what must outlive the call.</summary>
    void Add(RawRow row);
}

/// <summary>
/// Walks a <c>values.get</c> answer as it streams in, through a small rolling buffer, into one reused
/// <see cref="RawRow"/>: a 100,000-row tab is never held whole, neither as text nor as a string per cell. Cells read as
/// <see cref="GoogleSheetsClient.GetValuesAsync"/> gives them: text as is, numbers invariant, booleans TRUE/FALSE,
/// null "". An answer that is not a value range (no "range", "values" not an array of arrays of cells, not JSON) is
/// the service misbehaving: a transient, malformed <see cref="GoogleSheetsException"/>, as for <c>GetValuesAsync</c>.
/// </summary>
internal sealed class ValueRows(IRowSink sink)
{
    private readonly RawRow _row = new();
    private JsonReaderState _state;
    private bool _inValues;
    private bool _valuesNext;
    private bool _done;
    private bool _rangeNext;
    private bool _sawRange;

    /// <exception cref="GoogleSheetsException">The answer is not the JSON of a value range.</exception>
    /// <exception cref="IOException">The answer was cut off (a lost connection: worth another attempt).</exception>
    public static async Task ReadAsync(Stream stream, IRowSink sink, CancellationToken cancellationToken)
    {
        var walker = new ValueRows(sink);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One token longer than the buffer (a very long cell): grow it.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                var consumed = walker.Walk(buffer.AsSpan(0, filled), isFinalBlock: read == 0);
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                if (read == 0) break;
            }
        }
        catch (JsonException e)
        {
            // The service misbehaved (or a proxy answered): transient, so the read is tried again and no row is taken
            // from an answer that only looks like one.
            throw new GoogleSheetsException($"Google Sheets answered values.get with something that is not a value range ({e.Message}), " +
                "not the documented answer (the service misbehaved)", 200, isTransient: true, inner: e)
            { Malformed = true };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (!walker._done) throw new IOException("the values.get answer ended before its JSON did");
        // A ValueRange always echoes "range" (an empty tab has no "values", which is documented).
        if (!walker._sawRange)
            throw new GoogleSheetsException("Google Sheets answered values.get with a ValueRange without \"range\", not the documented answer " +
                "(the service misbehaved)", 200, isTransient: true)
            { Malformed = true };
    }

    /// <summary>Takes every whole token in <paramref name="json"/>; returns how many bytes were taken.</summary>
    private int Walk(ReadOnlySpan<byte> json, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock, _state);
        while (reader.Read())
        {
            switch (reader.CurrentDepth, reader.TokenType)
            {
                case (0, JsonTokenType.EndObject):
                    _done = true;
                    break;
                case (0, not JsonTokenType.StartObject):
                    throw new JsonException("not an object");
                case (1, JsonTokenType.PropertyName):
                    _valuesNext = reader.ValueTextEquals("values"u8);
                    _rangeNext = reader.ValueTextEquals("range"u8);
                    break;
                case (1, JsonTokenType.String) when _rangeNext:
                    _sawRange = true;
                    break;
                case (1, JsonTokenType.StartArray):
                    _inValues = _valuesNext;
                    _valuesNext = false;
                    break;
                case (1, _) when _valuesNext:
                    throw new JsonException("\"values\" is not an array");
                case (1, JsonTokenType.EndArray):
                    _inValues = false;
                    break;
                case (2, JsonTokenType.StartArray) when _inValues:
                    _row.Clear();
                    break;
                case (2, JsonTokenType.EndArray) when _inValues:
                    sink.Add(_row);
                    break;
                case (2, _) when _inValues:
                    // not a row (a number, a string, an object): Google never sends one, so this is no value range
                    throw new JsonException("\"values\" is not an array of arrays of cells");
                case (3, _) when _inValues:
                    ReadCell(ref reader, _row);
                    break;
            }
        }
        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private static void ReadCell(ref Utf8JsonReader reader, RawRow row)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String when !reader.ValueIsEscaped:
                row.Add(reader.ValueSpan);
                break;
            case JsonTokenType.String:
                row.Commit(reader.CopyString(row.Reserve(reader.ValueSpan.Length)));
                break;
            // Sheets shows booleans as TRUE/FALSE.
            case JsonTokenType.True:
                row.Add("TRUE"u8);
                break;
            case JsonTokenType.False:
                row.Add("FALSE"u8);
                break;
            case JsonTokenType.Number when reader.TryGetInt64(out var whole):
                Utf8Formatter.TryFormat(whole, row.Reserve(20), out var written);
                row.Commit(written);
                break;
            case JsonTokenType.Number:
                row.Add(Encoding.UTF8.GetBytes(reader.GetDouble().ToString(CultureInfo.InvariantCulture)));
                break;
            case JsonTokenType.Null:
                row.Add([]);
                break;
            case JsonTokenType.StartArray or JsonTokenType.StartObject:
                throw new JsonException("a cell is not a value");
            default:
                // the inside and the end of a nested value (depth 3 only for its closing token): nothing to add
                break;
        }
    }
}
