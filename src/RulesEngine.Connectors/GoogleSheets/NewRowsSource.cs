using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.newRows</c>: the rows of a tab not yet processed. Rows are recognised by content, or by their key
/// columns when the flow names some (the engine skips keys it has recorded), and the position is only a shortcut:
/// when its anchor row and the header still hold what they held, only the rows from the anchor on are read; when
/// rows were inserted or deleted above it, the whole tab is read again and nothing is missed. A row that is not ready (a required column still empty)
/// holds the position before it, so it is seen again once someone fills it in. The position anchors on the last
/// taken row; <see cref="SourceRead.PositionWhenNoItems"/> is set when a full read found a new anchor but nothing new.
/// The anchor is always checked against the whole row's content, also with key columns: a key-only check would pass
/// when a row with the same key slid into the anchor's place, and a row inserted above would be missed. Items carry
/// the spreadsheet's locale (one <c>spreadsheets.get</c> per read that found rows) for typed reads in expressions.
/// </summary>
internal sealed class NewRowsSource : ISource
{
    private readonly GoogleSheetsClient _client;
    private readonly string _spreadsheetId;
    private readonly string _sheet;
    private readonly int _headerRow;
    private readonly IReadOnlyList<string> _required;
    private readonly IReadOnlyList<string> _keyColumns;

    public NewRowsSource(GoogleSheetsClient client, string spreadsheetId, string sheet, int headerRow = 1,
        IReadOnlyList<string>? columns = null, IReadOnlyList<string>? requiredColumns = null, IReadOnlyList<string>? keyColumns = null)
    {
        _client = client;
        _spreadsheetId = spreadsheetId;
        _sheet = sheet;
        _headerRow = headerRow;
        DeclaredFields = columns;
        _required = requiredColumns ?? [];
        _keyColumns = [.. (keyColumns ?? []).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Reads the source's settings while the flow loads; problems go to <paramref name="config"/>.</summary>
    public static ISource? Create(StepConfig config)
    {
        var client = config.Connection<GoogleSheetsClient>();
        var spreadsheetId = config.Text(NewRowsSpec.FieldSpreadsheetId);
        var sheet = config.Text(NewRowsSpec.FieldSheet);
        if (spreadsheetId is { Length: 0 } || (spreadsheetId is not null && spreadsheetId.Any(c => c is '/' or '?' or '#' or ' ')))
            config.Error(NewRowsSpec.FieldSpreadsheetId, "RE1010",
                $"\"{NewRowsSpec.FieldSpreadsheetId}\" must be the id alone (the part of the address between /d/ and /edit), not '{spreadsheetId}'");
        if (sheet is { Length: 0 })
            config.Error(NewRowsSpec.FieldSheet, "RE1011", $"\"{NewRowsSpec.FieldSheet}\" must name a tab of the spreadsheet");
        var headerRow = config.Number(NewRowsSpec.FieldHeaderRow) ?? 1;
        if (headerRow < 1 || headerRow != Math.Floor(headerRow) || headerRow > 1_000_000)
        {
            config.Error(NewRowsSpec.FieldHeaderRow, "RE1012", $"\"{NewRowsSpec.FieldHeaderRow}\" must be a row number (1 or more), not {headerRow}");
            headerRow = 1;
        }
        var columns = config.FieldNames(NewRowsSpec.FieldColumns);
        var required = config.TextList(NewRowsSpec.FieldRequiredColumns);
        if (columns is not null && required is not null && required.FirstOrDefault(r => !columns.Contains(r)) is { } stray)
            config.Error(NewRowsSpec.FieldRequiredColumns, "RE1013",
                $"required column '{stray}' is not in \"{NewRowsSpec.FieldColumns}\" ({string.Join(", ", columns)})");
        var keys = config.TextList(NewRowsSpec.FieldKeyColumns);
        if (keys is { Count: 0 } || keys?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
            config.Error(NewRowsSpec.FieldKeyColumns, "RE1014",
                $"\"{NewRowsSpec.FieldKeyColumns}\" must name one or more header columns (leave it out to know rows by all their cells)");
        else if (columns is not null && keys?.FirstOrDefault(k => !columns.Contains(k)) is { } strayKey)
            config.Error(NewRowsSpec.FieldKeyColumns, "RE1015",
                $"key column '{strayKey}' is not in \"{NewRowsSpec.FieldColumns}\" ({string.Join(", ", columns)})");
        if (client is null || string.IsNullOrEmpty(spreadsheetId) || string.IsNullOrEmpty(sheet)) return null;
        return new NewRowsSource(client, spreadsheetId, sheet, (int)headerRow, columns, required, keys);
    }

    /// <summary>
    /// The spreadsheet and tab; with key columns, also those: they change what "the same row" means, so keys recorded
    /// under other key columns (or under whole-row content) say nothing, and the flow starts a new position (as for
    /// another sheet; <c>"existingRows": "skip"</c> applies).
    /// </summary>
    public string PositionKey => _keyColumns.Count == 0
        ? $"{_spreadsheetId}/{_sheet}"
        : $"{_spreadsheetId}/{_sheet} (key: {string.Join(", ", _keyColumns)})";

    public IReadOnlyList<string>? DeclaredFields { get; }

    public async Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken)
    {
        var stored = SheetPosition.Parse(position);
        var header = await ReadHeaderAsync(cancellationToken);
        var anchor = new SheetPosition(_headerRow, header.Key, header.Key);
        IReadOnlyList<IReadOnlyList<string>>? rows = null;
        if (stored is not null && stored.Header == header.Key && stored.Row >= _headerRow)
        {
            // Incremental: from the anchor row itself, to check it still holds what it held.
            var fromAnchor = await ReadRowsAsync(stored.Row, cancellationToken);
            if (SheetRow.KeyOf(fromAnchor.Count > 0 ? fromAnchor[0] : []) == stored.Hash)
            {
                anchor = stored;
                rows = [.. fromAnchor.Skip(1)];
            }
        }
        // No position, a changed header, or rows moved under the anchor: read every data row; the engine skips
        // the keys it has recorded.
        rows ??= await ReadRowsAsync(_headerRow + 1, cancellationToken);
        var first = anchor.Row + 1;

        var required = _required.Select(name => header.IndexOf(name)).ToList();
        var keyColumns = _keyColumns.Select(name => header.IndexOf(name)).ToList();
        var items = new List<SourceItem>();
        var frontier = anchor;
        var blocked = false;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = new SheetRow(first + i, rows[i]);
            // Blank rows are passed but never anchor the position: after rows are deleted above it, another blank row
            // could slide into its place and the check would pass while an unprocessed row slid above the anchor.
            if (row.IsBlank) continue;
            // A row whose key cells are all empty is not ready either: it has no identity yet.
            var key = keyColumns.Count == 0 ? row.Key : row.KeyBy(keyColumns);
            if (key is null || required.Any(c => c >= row.Cells.Count || string.IsNullOrWhiteSpace(row.Cells[c])))
            {
                blocked = true;
                continue;
            }
            if (!blocked) frontier = new SheetPosition(row.Number, row.Key, header.Key);
            items.Add(new SourceItem(key, row.Number, header.Fields(row.Cells), frontier.ToString()));
        }
        var moved = frontier.ToString();
        if (items.Count == 0) return new SourceRead(items, moved != position ? moved : null);
        // Only a read with rows pays for the locale: an idle poll stays at two reads.
        var culture = await ReadCultureAsync(cancellationToken);
        return new SourceRead([.. items.Select(i => i with { Locale = culture })]);
    }

    public async Task<string> ReadEndPositionAsync(CancellationToken cancellationToken)
    {
        var header = await ReadHeaderAsync(cancellationToken);
        var rows = await ReadRowsAsync(_headerRow + 1, cancellationToken);
        // Google leaves out trailing blank rows, so the last row returned is the last filled one.
        return rows.Count == 0
            ? new SheetPosition(_headerRow, header.Key, header.Key).ToString()
            : new SheetPosition(_headerRow + rows.Count, SheetRow.KeyOf(rows[^1]), header.Key).ToString();
    }

    public async Task<SourceItem?> ReadSampleAsync(int? number, CancellationToken cancellationToken)
    {
        if (number <= _headerRow) return null;
        var header = await ReadHeaderAsync(cancellationToken);
        SheetRow? row;
        if (number is { } n)
        {
            var rows = await GetAsync($"A{n}:ZZ{n}", cancellationToken);
            row = rows.Count > 0 ? new SheetRow(n, rows[0]) : null;
        }
        else
        {
            var rows = await ReadRowsAsync(_headerRow + 1, cancellationToken);
            row = rows.Select((cells, i) => new SheetRow(_headerRow + 1 + i, cells)).LastOrDefault(r => !r.IsBlank);
        }
        if (row is null || row.IsBlank) return null;
        // Test data never moves a position, so it carries none. A row whose key cells are empty is still shown (and
        // known by its content): it is what someone is typing.
        var keyColumns = _keyColumns.Select(name => header.IndexOf(name)).ToList();
        var key = keyColumns.Count == 0 ? row.Key : row.KeyBy(keyColumns) ?? row.Key;
        return new SourceItem(key, row.Number, header.Fields(row.Cells), "", await ReadCultureAsync(cancellationToken));
    }

    /// <summary>The spreadsheet's locale as a .NET culture name ("de_DE" -> "de-DE"); "" when .NET does not know it.</summary>
    private async Task<string> ReadCultureAsync(CancellationToken cancellationToken) =>
        (await _client.GetSpreadsheetPropertiesAsync(_spreadsheetId, cancellationToken)).CultureName;

    private async Task<SheetHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var rows = await GetAsync($"{_headerRow}:{_headerRow}", cancellationToken);
        var header = new SheetHeader(rows.Count > 0 ? rows[0] : []);
        var missing = (DeclaredFields ?? []).Concat(_required).Concat(_keyColumns).Distinct().Where(c => header.IndexOf(c) < 0).ToList();
        if (missing.Count > 0)
        {
            var found = header.Names.Count == 0 ? "it is empty" : "it has: " + string.Join(", ", header.Names);
            var names = missing.Select(m => _keyColumns.Contains(m) ? $"'{m}' (a key column: rows are known by it)" : $"'{m}'");
            throw new GoogleSheetsException(
                $"sheet '{_sheet}' has no column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", names)} " +
                $"in its header (row {_headerRow}; {found}); rename the column in the sheet or change the flow");
        }
        return header;
    }

    /// <summary>Row <paramref name="from"/> and everything below it, in one read.</summary>
    private Task<IReadOnlyList<IReadOnlyList<string>>> ReadRowsAsync(int from, CancellationToken cancellationToken) =>
        GetAsync($"A{from}:ZZ", cancellationToken);

    private async Task<IReadOnlyList<IReadOnlyList<string>>> GetAsync(string cells, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.GetValuesAsync(_spreadsheetId, $"{A1Notation.Sheet(_sheet)}!{cells}", cancellationToken);
        }
        catch (GoogleSheetsException e) when (e.HttpStatus == 400 && e.Message.Contains("Unable to parse range", StringComparison.Ordinal))
        {
            // Most likely the tab does not exist: say which tabs do.
            IReadOnlyList<string> titles;
            try
            {
                titles = await _client.GetSheetTitlesAsync(_spreadsheetId, cancellationToken);
            }
            catch (GoogleSheetsException)
            {
                throw e;
            }
            if (titles.Contains(_sheet)) throw;
            throw new GoogleSheetsException(
                $"spreadsheet {_spreadsheetId} has no sheet (tab) named '{_sheet}'; its tabs are: {string.Join(", ", titles.Select(t => $"'{t}'"))}",
                e.HttpStatus, e.Status, inner: e);
        }
    }
}
