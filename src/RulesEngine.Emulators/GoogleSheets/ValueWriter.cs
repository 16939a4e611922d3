using System.Globalization;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>
/// The emulator's <c>values.append</c> and <c>values.update</c> on one tab, with the API's rules: an input null leaves
/// its cell as it is and "" clears it; USER_ENTERED drops the apostrophe that forces text; an update may not write
/// outside its range; an append finds the table that starts in its range (the first filled row and the filled rows
/// right below it) and writes below it, inserting a row (INSERT_ROWS) or overwriting (OVERWRITE).
/// Results are shaped like Google's responses.
/// </summary>
internal static class ValueWriter
{
    /// <summary>The <c>updates</c> object of an append, and the <c>tableRange</c> (null when the range was empty).</summary>
    public static (JObject Updates, string? TableRange) Append(EmulatedSheet sheet, A1Range range, JArray values, bool insert, bool userEntered)
    {
        var rows = Rows(values);
        var firstColumn = range.FirstColumn;
        var lastColumn = range.LastColumn;
        bool Filled(int row) =>
            row <= sheet.Rows.Count && sheet.Rows[row - 1].Skip(firstColumn - 1).Take((lastColumn ?? int.MaxValue) - firstColumn + 1).Any(c => c.Length > 0);

        var lastRow = Math.Min(range.LastRow ?? int.MaxValue, Math.Max(sheet.Rows.Count, range.FirstRow));
        var tableStart = Enumerable.Range(range.FirstRow, Math.Max(0, lastRow - range.FirstRow + 1)).FirstOrDefault(Filled);
        string? tableRange = null;
        int target;
        if (tableStart == 0)
        {
            target = range.FirstRow;
        }
        else
        {
            var tableEnd = tableStart;
            while (Filled(tableEnd + 1)) tableEnd++;
            var width = Enumerable.Range(tableStart, tableEnd - tableStart + 1).Max(r => sheet.Rows[r - 1].Count);
            tableRange = Cells(sheet, firstColumn, tableStart, Math.Max(firstColumn, width), tableEnd);
            target = tableEnd + 1;
        }
        if (insert)
        {
            while (sheet.Rows.Count < target - 1) sheet.Rows.Add([]);
            for (var i = 0; i < rows.Count; i++) sheet.Rows.Insert(Math.Min(target - 1 + i, sheet.Rows.Count), []);
        }
        var written = Write(sheet, target, firstColumn, rows, userEntered);
        return (Result(sheet, target, firstColumn, rows, written), tableRange);
    }

    // Google's limit on one cell's text.
    private const int MaxCellCharacters = 50_000;

    /// <summary>Google's refusal of a cell longer than it stores, or null.</summary>
    public static string? CheckCells(JArray values) =>
        Rows(values).Any(r => r.Any(c => c is { Length: > MaxCellCharacters }))
            ? $"Your input contains more than the maximum of {MaxCellCharacters} characters in a single cell."
            : null;

    /// <summary>Why <paramref name="values"/> cannot be written into <paramref name="range"/>, or null when they can.</summary>
    public static string? CheckUpdate(EmulatedSheet sheet, A1Range range, JArray values)
    {
        var rows = Rows(values);
        var echo = sheet.Echo(range);
        if (range.LastRow is { } lastRow && range.FirstRow + rows.Count - 1 > lastRow)
            return $"Requested writing within range [{echo}], but tried writing to row [{range.FirstRow + rows.Count - 1}]";
        var widest = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        if (range.LastColumn is { } lastColumn && range.FirstColumn + widest - 1 > lastColumn)
            return $"Requested writing within range [{echo}], but tried writing to column [{A1Notation.ColumnName(range.FirstColumn + widest - 1)}]";
        return CheckCells(values);
    }

    /// <summary>Writes <paramref name="values"/> from the top-left of <paramref name="range"/>; an error text when they do not fit.</summary>
    public static (JObject? Result, string? Error) Update(EmulatedSheet sheet, A1Range range, JArray values, bool userEntered)
    {
        if (CheckUpdate(sheet, range, values) is { } error) return (null, error);
        var rows = Rows(values);
        var written = Write(sheet, range.FirstRow, range.FirstColumn, rows, userEntered);
        return (Result(sheet, range.FirstRow, range.FirstColumn, rows, written), null);
    }

    /// <summary>The request's rows; every cell as text, or null for "leave as it is".</summary>
    private static List<List<string?>> Rows(JArray values) =>
        [.. values.Select(row => row is JArray cells ? cells.Select(Cell).ToList() : [])];

    private static string? Cell(JToken cell) => cell switch
    {
        { Type: JTokenType.Null } => null,
        JValue { Type: JTokenType.Boolean } b => b.Value<bool>() ? "TRUE" : "FALSE",
        JValue v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? "",
        _ => cell.ToString(),
    };

    private static int Write(EmulatedSheet sheet, int firstRow, int firstColumn, List<List<string?>> rows, bool userEntered)
    {
        var written = 0;
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Count; c++)
            {
                if (rows[r][c] is not { } text) continue;
                // Typed into a cell, a leading apostrophe only says "this is text" and is not shown.
                if (userEntered && text.StartsWith('\'')) text = text[1..];
                var rowIndex = firstRow - 1 + r;
                while (sheet.Rows.Count <= rowIndex) sheet.Rows.Add([]);
                var row = sheet.Rows[rowIndex];
                while (row.Count < firstColumn + c) row.Add("");
                row[firstColumn - 1 + c] = text;
                written++;
            }
        }
        foreach (var row in sheet.Rows)
            while (row.Count > 0 && row[^1].Length == 0) row.RemoveAt(row.Count - 1);
        return written;
    }

    private static JObject Result(EmulatedSheet sheet, int firstRow, int firstColumn, List<List<string?>> rows, int written)
    {
        var width = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        return new JObject
        {
            ["updatedRange"] = Cells(sheet, firstColumn, firstRow, firstColumn + Math.Max(1, width) - 1, firstRow + Math.Max(1, rows.Count) - 1),
            ["updatedRows"] = rows.Count(r => r.Any(c => c is not null)),
            ["updatedColumns"] = Enumerable.Range(0, width).Count(c => rows.Any(r => c < r.Count && r[c] is not null)),
            ["updatedCells"] = written,
        };
    }

    private static string Cells(EmulatedSheet sheet, int firstColumn, int firstRow, int lastColumn, int lastRow) =>
        $"{A1Notation.Sheet(sheet.Title)}!{A1Notation.ColumnName(firstColumn)}{firstRow}:{A1Notation.ColumnName(lastColumn)}{lastRow}";
}
