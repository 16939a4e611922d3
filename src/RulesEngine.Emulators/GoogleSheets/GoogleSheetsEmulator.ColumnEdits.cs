namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>Edits people make to a tab's columns and order, as the Sheets UI does them (data moves with its column).</summary>
public sealed partial class GoogleSheetsEmulator
{
    /// <summary>Inserts an empty column at <paramref name="columnNumber"/> (1-based; A is 1), headed
    /// <paramref name="header"/> in row <paramref name="headerRow"/>; the columns from there move right.</summary>
    public void InsertColumn(string spreadsheetId, string sheetName, int columnNumber, string header, int headerRow = 1) =>
        Edit(spreadsheetId, sheetName, sheet =>
        {
            foreach (var row in sheet.Rows)
                if (row.Count >= columnNumber) row.Insert(columnNumber - 1, "");
            while (sheet.Rows.Count < headerRow) sheet.Rows.Add([]);
            var head = sheet.Rows[headerRow - 1];
            while (head.Count < columnNumber) head.Add("");
            head[columnNumber - 1] = header;
            return 0;
        });

    /// <summary>Moves column <paramref name="from"/> (1-based) with all its cells so that it becomes column <paramref name="to"/>.</summary>
    public void MoveColumn(string spreadsheetId, string sheetName, int from, int to) => Edit(spreadsheetId, sheetName, sheet =>
    {
        var width = Math.Max(from, to);
        foreach (var row in sheet.Rows)
        {
            while (row.Count < width) row.Add("");
            var cell = row[from - 1];
            row.RemoveAt(from - 1);
            row.Insert(to - 1, cell);
        }
        return 0;
    });

    /// <summary>Sorts the rows from <paramref name="firstRow"/> down by column <paramref name="columnNumber"/> (text order;
    /// blank rows last), as "Sort range" with a header row does.</summary>
    public void SortRows(string spreadsheetId, string sheetName, int columnNumber, bool descending = false, int firstRow = 2) =>
        Edit(spreadsheetId, sheetName, sheet =>
        {
            if (sheet.Rows.Count < firstRow) return 0;
            var body = sheet.Rows.Skip(firstRow - 1).ToList();
            string Cell(List<string> row) => columnNumber <= row.Count ? row[columnNumber - 1] : "";
            var filled = body.Where(r => r.Any(c => c.Length > 0));
            var sorted = (descending ? filled.OrderByDescending(Cell, StringComparer.Ordinal) : filled.OrderBy(Cell, StringComparer.Ordinal)).ToList();
            sheet.Rows.RemoveRange(firstRow - 1, body.Count);
            sheet.Rows.AddRange(sorted);
            return 0;
        });
}
