using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A <c>values.get</c> answer kept as the UTF-8 bytes Google sent and walked row by row into one reused
/// <see cref="RawRow"/>, so a 100,000-row tab costs its bytes, not a string per cell; a row that is wanted is read
/// again from its place in the answer (<see cref="CellsAt"/>). Cells read as <see cref="GoogleSheetsClient.GetValuesAsync"/>
/// gives them: text as is, numbers invariant, booleans TRUE/FALSE, null "".
/// </summary>
internal sealed class ValueRows(byte[] buffer, int length)
{
    public int Length => length;

    private ReadOnlySpan<byte> Json => buffer.AsSpan(0, length);

    /// <summary>Calls <paramref name="visit"/> with each row, in order (a blank row in the middle is empty), and where it
    /// is in the answer. The row object is reused: copy what must outlive the call.</summary>
    /// <exception cref="GoogleSheetsException">The answer is not the JSON of a value range.</exception>
    public void ForEach(Action<RawRow, Range> visit)
    {
        try
        {
            Walk(visit);
        }
        catch (JsonException e)
        {
            throw NotAValueRange(e);
        }
    }

    /// <summary>The cells of the row found at <paramref name="place"/> by <see cref="ForEach"/>.</summary>
    public string[] CellsAt(Range place)
    {
        var reader = new Utf8JsonReader(Json[place]);
        var row = new RawRow();
        reader.Read();
        ReadRow(ref reader, row);
        return row.ToStrings();
    }

    private void Walk(Action<RawRow, Range> visit)
    {
        var reader = new Utf8JsonReader(Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("not an object");
        var row = new RawRow();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isValues = reader.ValueTextEquals("values"u8);
            reader.Read();
            if (!isValues || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                ReadRow(ref reader, row);
                visit(row, start..(int)reader.BytesConsumed);
            }
        }
    }

    private static void ReadRow(ref Utf8JsonReader reader, RawRow row)
    {
        row.Clear();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip(); // not a row: Google never sends one; count it as blank rather than shift the rows below
            return;
        }
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) ReadCell(ref reader, row);
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
            case JsonTokenType.Null:
                row.Add([]);
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
            default:
                row.Add(Encoding.UTF8.GetBytes(JsonDocument.ParseValue(ref reader).RootElement.GetRawText()));
                break;
        }
    }

    private GoogleSheetsException NotAValueRange(JsonException e) => new(
        $"Google Sheets answered values.get with something that is not a value range: {GoogleSheetsClient.Shorten(Encoding.UTF8.GetString(Json[..Math.Min(length, 400)]))}",
        inner: e);
}
