using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A <c>values.get</c> answer kept as the UTF-8 bytes Google sent and walked row by row, so a 100,000-row tab costs
/// its bytes and one row at a time, not a JSON object per cell. Cells read as <see cref="GoogleSheetsClient.GetValuesAsync"/>
/// gives them: text as is, numbers invariant, booleans TRUE/FALSE, null "".
/// </summary>
internal sealed class ValueRows(byte[] json)
{
    /// <summary>Calls <paramref name="row"/> with each row's cells, in order (a blank row in the middle is empty).</summary>
    /// <exception cref="GoogleSheetsException">The answer is not the JSON of a value range.</exception>
    public void ForEach(Action<string[]> row)
    {
        try
        {
            Walk(row);
        }
        catch (JsonException e)
        {
            throw new GoogleSheetsException(
                $"Google Sheets answered values.get with something that is not a value range: {GoogleSheetsClient.Shorten(Encoding.UTF8.GetString(json))}", inner: e);
        }
    }

    public int Length => json.Length;

    private void Walk(Action<string[]> row)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isValues = reader.ValueTextEquals("values"u8);
            reader.Read();
            if (!isValues || reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }
            var cells = new List<string>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                cells.Clear();
                if (reader.TokenType == JsonTokenType.StartArray)
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) cells.Add(Cell(ref reader));
                else reader.Skip(); // not a row: Google never sends one; count it as blank rather than shift the rows below
                row([.. cells]);
            }
        }
    }

    private static string Cell(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString() ?? "",
        JsonTokenType.Null => "",
        // Sheets shows booleans as TRUE/FALSE.
        JsonTokenType.True => "TRUE",
        JsonTokenType.False => "FALSE",
        JsonTokenType.Number => reader.TryGetInt64(out var whole)
            ? whole.ToString(CultureInfo.InvariantCulture)
            : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
        _ => JsonDocument.ParseValue(ref reader).RootElement.GetRawText(),
    };
}
