namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// The header row: the field name of each column. An empty header cell is named after its column ("Column C"), and a
/// repeated name gets its column added ("Email (D)"), so every cell of a row has exactly one field name.
/// </summary>
internal sealed class SheetHeader
{
    private readonly List<string> _names = [];

    public SheetHeader(IReadOnlyList<string> cells)
    {
        Key = SheetRow.KeyOf(cells);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < cells.Count; i++)
        {
            var name = cells[i].Trim();
            if (name.Length == 0) name = Unnamed(i);
            else if (seen.Contains(name)) name = $"{name} ({A1Notation.ColumnName(i + 1)})";
            seen.Add(name);
            _names.Add(name);
        }
    }

    /// <summary>The content key of the header row, to notice when it changes.</summary>
    public string Key { get; }

    public IReadOnlyList<string> Names => _names;

    public int IndexOf(string name) => _names.IndexOf(name);

    /// <summary>Header name → cell text for one row; a missing cell is "".</summary>
    public IReadOnlyDictionary<string, string> Fields(IReadOnlyList<string> cells)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Max(_names.Count, cells.Count); i++)
        {
            var name = i < _names.Count ? _names[i] : Unnamed(i);
            // A data cell beyond the header under a name the header already uses cannot take it over.
            if (i >= _names.Count && fields.ContainsKey(name)) continue;
            fields[name] = i < cells.Count ? cells[i] : "";
        }
        return fields;
    }

    private static string Unnamed(int index) => "Column " + A1Notation.ColumnName(index + 1);
}
