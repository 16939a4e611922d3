namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// The header row: the field name of each column. An empty header cell is named after its column ("Column C"), and a
/// repeated name gets its column added ("Email (D)"), so every cell of a row has exactly one field name.
/// </summary>
internal sealed class SheetHeader
{
    private readonly List<string> _names = [];
    private readonly List<string?> _keyNames = [];

    public SheetHeader(IReadOnlyList<string> cells)
    {
        LegacyKey = SheetRow.LegacyKeyOf(cells);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < cells.Count; i++)
        {
            var name = cells[i].Trim();
            if (name.Length == 0) name = Unnamed(i);
            else if (seen.Contains(name)) name = $"{name} ({A1Notation.ColumnName(i + 1)})";
            seen.Add(name);
            _names.Add(name);
            var trimmed = cells[i].Trim();
            var occurrence = trimmed.Length == 0 ? 0 : occurrences[trimmed] = occurrences.GetValueOrDefault(trimmed) + 1;
            _keyNames.Add(trimmed.Length == 0 ? null : occurrence == 1 ? trimmed : $"{trimmed}\u0001{occurrence}");
        }
    }

    /// <summary>The header row's hash as versions before 2 took it (a legacy position names its header by it).</summary>
    public string LegacyKey { get; }

    public IReadOnlyList<string> Names => _names;

    /// <summary>
    /// Each column's name in a row's key: the header text, trimmed; a repeated name numbered by its occurrence (not by
    /// its column letter, which moves when a column is inserted); null for a column without a name.
    /// </summary>
    public IReadOnlyList<string?> KeyNames => _keyNames;

    public int IndexOf(string name) => _names.IndexOf(name);

    /// <summary>The field names of a row of <paramref name="cells"/> cells (<see cref="Fields"/>' keys): the header's
    /// names, then a name for each cell beyond the header that does not repeat one.</summary>
    public IReadOnlyCollection<string> FieldNames(int cells)
    {
        var names = new HashSet<string>(_names, StringComparer.Ordinal);
        for (var i = _names.Count; i < cells; i++) names.Add(Unnamed(i));
        return names;
    }

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
