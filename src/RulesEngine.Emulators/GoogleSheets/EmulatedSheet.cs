namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>One tab held by the emulator: its cells as the sheet shows them (formatted text).</summary>
internal sealed class EmulatedSheet(int sheetId, string title)
{
    public int SheetId { get; } = sheetId;
    public string Title { get; } = title;
    public List<List<string>> Rows { get; } = [];

    /// <summary>Google grids start at 1000 rows by 26 columns and grow with the data.</summary>
    public int RowCount => Math.Max(1000, Rows.Count);
    public int ColumnCount => Math.Max(26, Rows.Count == 0 ? 0 : Rows.Max(r => r.Count));

    /// <summary>The cells of <paramref name="range"/>, shaped the way <c>values.get</c> returns them: trailing empty
    /// cells and rows dropped, blank rows inside the range kept as empty arrays.</summary>
    public List<List<string>> Values(A1Range range)
    {
        var lastRow = Math.Min(range.LastRow ?? int.MaxValue, Rows.Count);
        var lastColumn = range.LastColumn ?? int.MaxValue;
        var values = new List<List<string>>();
        for (var r = range.FirstRow; r <= lastRow; r++)
        {
            var row = Rows[r - 1];
            var cells = row.Skip(range.FirstColumn - 1).Take(Math.Max(0, Math.Min(row.Count, lastColumn) - range.FirstColumn + 1)).ToList();
            while (cells.Count > 0 && cells[^1].Length == 0) cells.RemoveAt(cells.Count - 1);
            values.Add(cells);
        }
        while (values.Count > 0 && values[^1].Count == 0) values.RemoveAt(values.Count - 1);
        return values;
    }

    /// <summary>The range normalised to the grid, as Google echoes it: <c>Sheet1!A1:Z1000</c>.</summary>
    public string Echo(A1Range range)
    {
        var lastRow = Math.Min(range.LastRow ?? RowCount, Math.Max(RowCount, range.FirstRow));
        var lastColumn = Math.Min(range.LastColumn ?? ColumnCount, Math.Max(ColumnCount, range.FirstColumn));
        return $"{A1Notation.Sheet(Title)}!{A1Notation.ColumnName(range.FirstColumn)}{range.FirstRow}:{A1Notation.ColumnName(lastColumn)}{lastRow}";
    }
}
