using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.newRows</c>: the rows of a tab not yet processed. Every run reads the whole tab in one request
/// (header and rows) and compares each row's key with the keys the engine recorded, so no edit of the sheet (rows
/// inserted, deleted, moved or sorted, above or below, in any combination) can hide a row or show a processed one
/// again; there is no row-number shortcut to be fooled. Rows are known by their values under column names
/// (<see cref="RowKeying"/>). A row that is not ready (a required column, or every key column, still empty) is not
/// taken and not recorded, so the read after it is filled in finds it. Items carry the spreadsheet's locale (one
/// <c>spreadsheets.get</c> per read that found rows) for typed reads in expressions.
/// </summary>
internal sealed class NewRowsSource : ISource
{
    public const string Type = "googleSheets.newRows";
    public const string FieldConnection = "connection";
    public const string FieldSpreadsheetId = "spreadsheetId";
    public const string FieldSheet = "sheet";
    public const string FieldColumns = "columns";
    public const string FieldHeaderRow = "headerRow";
    public const string FieldRequiredColumns = "requiredColumns";
    public const string FieldKeyColumns = "keyColumns";
    public const string FieldEditedRows = "editedRows";
    public const string EditedRowsProcess = "process";
    public const string EditedRowsIgnore = "ignore";
    // Read by the engine, not by the source: declared here so loading, validation and the schema know them.
    public const string FieldExistingRows = "existingRows";
    public const string FieldFilter = "filter";

    public static readonly StepSpec Spec = new(
        Type,
        "Each run, the rows added to a Google Sheets tab since the last run; each row's fields are named by the header row.",
        [
            new(FieldConnection, FieldKind.Text, "name of a 'googleSheets' connection in the connections file", Required: true, Example: "sheets"),
            new(FieldSpreadsheetId, FieldKind.Text, "the spreadsheet's id: the long part of its address between /d/ and /edit",
                Required: true, Example: "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
            new(FieldSheet, FieldKind.Text, "the sheet (tab) name, exactly as on the tab", Required: true, Example: "Form responses 1"),
            new(FieldColumns, FieldKind.TextList,
                "the header names the flow uses; a read fails, naming the column, when the header lacks one (lets conditions use them as names). " +
                "Without keyColumns, rows are known by the values of these columns, so editing another column does not make a row new",
                Example: "[\"Name\", \"Email\"]"),
            new(FieldHeaderRow, FieldKind.Number, "the row number of the header row (default 1); data starts below it", Example: "1"),
            new(FieldRequiredColumns, FieldKind.TextList,
                "a row is taken only once all of these columns are filled in (default: any non-blank row); a row not yet complete is picked up once it is, and later rows do not wait for it",
                Example: "[\"Email\"]"),
            new(FieldKeyColumns, FieldKind.TextList,
                "the columns that identify a row (e.g. an id or Email): rows with the same key are one row, and editing other cells " +
                "(a Status the flow writes back) does not make a row new; a row is taken once one key cell is filled. " +
                "Default: all named cells (or the columns in \"columns\"), by column name. Changing it starts a new position",
                Example: "[\"Email\"]"),
            new(FieldEditedRows, FieldKind.Text,
                "with keyColumns: what a processed row whose other cells were edited is: 'ignore' (default: the same row, not sent again) " +
                "or 'process' (sent once more with its new data). Without keyColumns a row is its content, so an edited row is always processed. " +
                "Changing it starts a new position",
                AllowedValues: [EditedRowsProcess, EditedRowsIgnore], Example: EditedRowsProcess),
            new(FieldExistingRows, FieldKind.Text,
                "on the first run: 'process' the rows already in the sheet, or 'skip' them and start with rows added afterwards (default process)",
                AllowedValues: ["process", "skip"], Example: "skip"),
            new(FieldFilter, FieldKind.Condition, "only rows for which this C# condition holds are processed; others are recorded as skipped",
                Example: "Email.EndsWith(\"@example.com\")"),
        ],
        GoogleSheetsOptions.ConnectionType)
    {
        Errors =
        [
            new("RE1010", "spreadsheetId is not the id alone (an address, or part of one)"),
            new("RE1011", "sheet is empty"),
            new("RE1012", "headerRow is not a row number"),
            new("RE1013", "a required column is not among columns"),
            new("RE1014", "keyColumns is empty or names a blank column"),
            new("RE1015", "a key column is not among columns"),
            new("RE1016", "editedRows \"ignore\" without keyColumns"),
        ],
    };

    private readonly GoogleSheetsClient _client;
    private readonly string _spreadsheetId;
    private readonly string _sheet;
    private readonly int _headerRow;
    private readonly IReadOnlyList<string> _required;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly EditedRows _edited;

    public NewRowsSource(GoogleSheetsClient client, string spreadsheetId, string sheet, int headerRow = 1,
        IReadOnlyList<string>? columns = null, IReadOnlyList<string>? requiredColumns = null, IReadOnlyList<string>? keyColumns = null,
        EditedRows? editedRows = null)
    {
        _client = client;
        _spreadsheetId = spreadsheetId;
        _sheet = sheet;
        _headerRow = headerRow;
        DeclaredFields = columns;
        _required = requiredColumns ?? [];
        _keyColumns = [.. (keyColumns ?? []).Distinct(StringComparer.Ordinal)];
        // Without key columns a row is its content: an edited row is another row, so it can only be processed.
        _edited = _keyColumns.Count == 0 ? EditedRows.Process : editedRows ?? EditedRows.Ignore;
    }

    /// <summary>Reads the source's settings while the flow loads; problems go to <paramref name="config"/>.</summary>
    public static ISource? Create(StepConfig config)
    {
        var client = config.Connection<GoogleSheetsClient>();
        var spreadsheetId = config.Text(NewRowsSource.FieldSpreadsheetId);
        var sheet = config.Text(NewRowsSource.FieldSheet);
        if (spreadsheetId is { Length: 0 } || (spreadsheetId is not null && spreadsheetId.Any(c => c is '/' or '?' or '#' or ' ')))
            config.Error(NewRowsSource.FieldSpreadsheetId, "RE1010",
                $"\"{NewRowsSource.FieldSpreadsheetId}\" must be the id alone (the part of the address between /d/ and /edit), not '{spreadsheetId}'");
        if (sheet is { Length: 0 })
            config.Error(NewRowsSource.FieldSheet, "RE1011", $"\"{NewRowsSource.FieldSheet}\" must name a tab of the spreadsheet");
        var headerRow = config.Number(NewRowsSource.FieldHeaderRow) ?? 1;
        if (headerRow < 1 || headerRow != Math.Floor(headerRow) || headerRow > 1_000_000)
        {
            config.Error(NewRowsSource.FieldHeaderRow, "RE1012", $"\"{NewRowsSource.FieldHeaderRow}\" must be a row number (1 or more), not {headerRow}");
            headerRow = 1;
        }
        var columns = config.FieldNames(NewRowsSource.FieldColumns);
        var required = config.TextList(NewRowsSource.FieldRequiredColumns);
        if (columns is not null && required is not null && required.FirstOrDefault(r => !columns.Contains(r)) is { } stray)
            config.Error(NewRowsSource.FieldRequiredColumns, "RE1013",
                $"required column '{stray}' is not in \"{NewRowsSource.FieldColumns}\" ({string.Join(", ", columns)})");
        var keys = config.TextList(NewRowsSource.FieldKeyColumns);
        if (keys is { Count: 0 } || keys?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
            config.Error(NewRowsSource.FieldKeyColumns, "RE1014",
                $"\"{NewRowsSource.FieldKeyColumns}\" must name one or more header columns (leave it out to know rows by all their cells)");
        else if (columns is not null && keys?.FirstOrDefault(k => !columns.Contains(k)) is { } strayKey)
            config.Error(NewRowsSource.FieldKeyColumns, "RE1015",
                $"key column '{strayKey}' is not in \"{NewRowsSource.FieldColumns}\" ({string.Join(", ", columns)})");
        var edited = config.Text(NewRowsSource.FieldEditedRows) switch
        {
            NewRowsSource.EditedRowsProcess => EditedRows.Process,
            NewRowsSource.EditedRowsIgnore => EditedRows.Ignore,
            _ => (EditedRows?)null,
        };
        if (edited == EditedRows.Ignore && keys is null)
            config.Error(NewRowsSource.FieldEditedRows, "RE1016",
                $"\"{NewRowsSource.FieldEditedRows}\": \"{NewRowsSource.EditedRowsIgnore}\" needs \"{NewRowsSource.FieldKeyColumns}\": without them a row is known " +
                "by its content, so an edited row is a different row; name the columns that identify a row (e.g. \"keyColumns\": [\"Email\"]) " +
                "or leave \"editedRows\" out");
        if (client is null || string.IsNullOrEmpty(spreadsheetId) || string.IsNullOrEmpty(sheet)) return null;
        return new NewRowsSource(client, spreadsheetId, sheet, (int)headerRow, columns, required, keys, edited);
    }

    /// <summary>
    /// The spreadsheet and tab; with key columns, also those, and whether edited rows are processed: they change what
    /// "the same row" means, so keys recorded under other settings say nothing, and the flow starts a new position
    /// (as for another sheet; <c>"existingRows": "skip"</c> applies).
    /// </summary>
    public string PositionKey => _keyColumns.Count == 0
        ? $"{_spreadsheetId}/{_sheet}"
        : $"{_spreadsheetId}/{_sheet} (key: {string.Join(", ", _keyColumns)}{(_edited == EditedRows.Process ? "; edited rows processed" : "")})";

    public IReadOnlyList<string>? DeclaredFields { get; }

    /// <summary>Every ready row, as if nothing were recorded (no journal to compare with).</summary>
    public Task<SourceRead> ReadNewAsync(string? position, CancellationToken cancellationToken) =>
        ReadNewAsync(position, NothingRecorded.Instance, cancellationToken);

    public async Task<SourceRead> ReadNewAsync(string? position, IRecordedItems recorded, CancellationToken cancellationToken)
    {
        var scan = await ScanAsync(SheetPosition.Parse(position), recorded, takeAllAsKnown: false, cancellationToken);
        if (scan.Items.Count == 0) return new SourceRead([], scan.Position != position ? scan.Position : null);
        // Only a read with rows pays for the locale: an idle poll stays at one read.
        scan.Items.Locale = await ReadCultureAsync(cancellationToken);
        // The rows stay as bytes: each becomes an item when the engine takes its batch.
        return new SourceRead(scan.Items);
    }

    /// <summary>Not supported: skipping the rows already there means recording them, which needs the journal.</summary>
    public Task<string> ReadEndPositionAsync(CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the rows already in a sheet are skipped by recording them: call ReadEndPositionAsync with the recorded items");

    /// <summary>Records every ready row in the tab as known, so only rows added or edited from now on are new.</summary>
    public async Task<string> ReadEndPositionAsync(IRecordedItems recorded, CancellationToken cancellationToken) =>
        (await ScanAsync(null, recorded, takeAllAsKnown: true, cancellationToken)).Position;

    /// <summary>One values.get of the header and every row below it, walked once as it arrives.</summary>
    private async Task<NewRowsScan> ScanAsync(SheetPosition? stored, IRecordedItems recorded, bool takeAllAsKnown, CancellationToken cancellationToken)
    {
        var scan = await WithTabNamesAsync(() => _client.GetValueRowsAsync(_spreadsheetId, $"{A1Notation.Sheet(_sheet)}!A{_headerRow}:ZZ",
            () => new NewRowsScan(_headerRow, OpenHeader, _keyColumns, DeclaredFields, _edited, _required, stored, recorded, takeAllAsKnown),
            cancellationToken), cancellationToken);
        scan.Finish();
        return scan;
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
        var keying = new RowKeying(header, _keyColumns, DeclaredFields, _edited);
        var key = keying.KeyOf(row.Cells) ?? new RowKeying(header, [], DeclaredFields, _edited).KeyOf(row.Cells)!;
        return new SourceItem(key, row.Number, header.Fields(row.Cells), "", await ReadCultureAsync(cancellationToken));
    }

    /// <summary>The spreadsheet's locale as a .NET culture name ("de_DE" -> "de-DE"); "" when .NET does not know it.</summary>
    private async Task<string> ReadCultureAsync(CancellationToken cancellationToken) =>
        (await _client.GetSpreadsheetPropertiesAsync(_spreadsheetId, cancellationToken)).CultureName;

    private async Task<SheetHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var rows = await GetAsync($"{_headerRow}:{_headerRow}", cancellationToken);
        return OpenHeader(rows.Count > 0 ? rows[0] : []);
    }

    /// <summary>The header row, checked to name every column the flow declares, requires or keys on.</summary>
    private SheetHeader OpenHeader(IReadOnlyList<string> cells)
    {
        var header = new SheetHeader(cells);
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

    private Task<IReadOnlyList<IReadOnlyList<string>>> GetAsync(string cells, CancellationToken cancellationToken) =>
        WithTabNamesAsync(() => _client.GetValuesAsync(_spreadsheetId, $"{A1Notation.Sheet(_sheet)}!{cells}", cancellationToken), cancellationToken);

    private async Task<T> WithTabNamesAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read();
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
