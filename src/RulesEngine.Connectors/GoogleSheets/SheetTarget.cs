using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// The tab a write step writes to, and what both write steps share: reading their common settings
/// (connection, spreadsheetId, sheet, headerRow, values, valueInputOption), reading the header row, and turning a
/// rendered <c>values</c> mapping (column header → text) into cells placed by the header, so the order of the
/// sheet's columns never matters to the flow.
/// </summary>
internal sealed class SheetTarget(GoogleSheetsClient client, string spreadsheetId, string sheet, int headerRow, bool rawInput)
{
    public const string FieldConnection = "connection";
    public const string FieldSpreadsheetId = "spreadsheetId";
    public const string FieldSheet = "sheet";
    public const string FieldHeaderRow = "headerRow";
    public const string FieldValues = "values";
    public const string FieldValueInputOption = "valueInputOption";

    /// <summary>The load errors every sheet-writing step shares.</summary>
    public static readonly IReadOnlyList<StepError> Errors =
    [
        new("RE1020", "a write's spreadsheetId is not the id alone (an address, or part of one)"),
        new("RE1021", "a write's sheet is empty"),
        new("RE1022", "a write's headerRow is not a row number"),
        new("RE1023", "values maps no column"),
        new("RE1024", "a value in values is a list or an object"),
    ];

    public const string OutputRowNumber = "rowNumber";
    public const string OutputUpdatedRange = "updatedRange";

    public GoogleSheetsClient Client { get; } = client;
    public string SpreadsheetId { get; } = spreadsheetId;
    public string Sheet { get; } = sheet;
    public int HeaderRow { get; } = headerRow;
    public bool RawInput { get; } = rawInput;

    /// <summary>The settings every write step has, for its spec.</summary>
    public static IReadOnlyList<FieldSpec> CommonFields(string valuesDescription, string valuesExample) =>
    [
        new(FieldConnection, FieldKind.Text,
            "name of a 'googleSheets' connection; writing needs a service account (\"serviceAccountKeyFile\") with the sheet shared to it as Editor, API keys cannot write",
            Required: true, Example: "google"),
        new(FieldSpreadsheetId, FieldKind.Text, "the spreadsheet's id: the long part of its address between /d/ and /edit",
            Required: true, Example: "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"),
        new(FieldSheet, FieldKind.Text, "the sheet (tab) name, exactly as on the tab", Required: true, Example: "Contacts"),
        new(FieldValues, FieldKind.Mapping, valuesDescription, Required: true, Example: valuesExample),
        new(FieldHeaderRow, FieldKind.Number, "the row number of the header row that names the columns (default 1)", Example: "1"),
        new(FieldValueInputOption, FieldKind.Text,
            "USER_ENTERED (default): values are read as if typed, so numbers, dates and formulas (=...) are interpreted; RAW: stored as text exactly",
            AllowedValues: ["USER_ENTERED", "RAW"], Example: "RAW"),
    ];

    /// <summary>Reads the common settings; problems go to <paramref name="config"/> and the result is then null.</summary>
    public static (SheetTarget? Target, TemplateMap? Values) FromConfig(StepConfig config)
    {
        var client = config.Connection<GoogleSheetsClient>();
        var spreadsheetId = config.Text(FieldSpreadsheetId);
        var sheet = config.Text(FieldSheet);
        if (spreadsheetId is { Length: 0 } || (spreadsheetId is not null && spreadsheetId.Any(c => c is '/' or '?' or '#' or ' ')))
            config.Error(FieldSpreadsheetId, "RE1020",
                $"\"{FieldSpreadsheetId}\" must be the id alone (the part of the address between /d/ and /edit), not '{spreadsheetId}'");
        if (sheet is { Length: 0 }) config.Error(FieldSheet, "RE1021", $"\"{FieldSheet}\" must name a tab of the spreadsheet");
        var headerRow = config.Number(FieldHeaderRow) ?? 1;
        if (headerRow < 1 || headerRow != Math.Floor(headerRow) || headerRow > 1_000_000)
        {
            config.Error(FieldHeaderRow, "RE1022", $"\"{FieldHeaderRow}\" must be a row number (1 or more), not {headerRow.ToString(CultureInfo.InvariantCulture)}");
            headerRow = 1;
        }
        var raw = config.Text(FieldValueInputOption) == "RAW";
        var values = config.Mapping(FieldValues);
        if (values is not null)
        {
            if (!values.Keys.Any()) config.Error(FieldValues, "RE1023", $"\"{FieldValues}\" must map at least one column header to a value");
            if (values.Shape is JObject shape && shape.Properties().FirstOrDefault(p => p.Value is JContainer) is { } nested)
                config.Error(FieldValues, "RE1024", $"\"{FieldValues}\": the value for column '{nested.Name}' must be text, a number or true/false, not a list or object");
        }
        if (client is null || string.IsNullOrEmpty(spreadsheetId) || string.IsNullOrEmpty(sheet)) return (null, values);
        return (new SheetTarget(client, spreadsheetId, sheet, (int)headerRow, raw), values);
    }

    /// <summary>A range on this tab, e.g. <c>'My Sheet'!A2:C2</c>.</summary>
    public string Range(string cells) => $"{A1Notation.Sheet(Sheet)}!{cells}";

    public string HeaderRange => Range($"{HeaderRow}:{HeaderRow}");

    public async Task<SheetHeader> ReadHeaderAsync(CancellationToken cancellationToken)
    {
        var rows = await Client.GetValuesAsync(SpreadsheetId, HeaderRange, cancellationToken);
        return new SheetHeader(rows.Count > 0 ? rows[0] : []);
    }

    /// <summary>
    /// Column index (0-based) → text for each entry of a rendered mapping; null when a header is not in the sheet
    /// (<paramref name="error"/> then names it and lists the columns there are). A JSON null in the mapping stays null.
    /// </summary>
    public SortedDictionary<int, string?>? Place(JToken rendered, SheetHeader header, out string error)
    {
        var placed = new SortedDictionary<int, string?>();
        var missing = new List<string>();
        foreach (var property in (rendered as JObject ?? []).Properties())
        {
            var index = header.IndexOf(property.Name);
            if (index < 0) missing.Add(property.Name);
            else placed[index] = Text(property.Value);
        }
        if (missing.Count > 0)
        {
            var found = header.Names.Count == 0 ? "it is empty" : "it has: " + string.Join(", ", header.Names);
            error = $"sheet '{Sheet}' has no column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))} " +
                $"in its header (row {HeaderRow}; {found}); rename the column in the sheet or change \"{FieldValues}\"";
            return null;
        }
        error = "";
        return placed;
    }

    /// <summary>The outcome for a call that failed: held when Google gave no usable answer, failed when it said no.</summary>
    public static StepOutcome Outcome(string doing, GoogleSheetsException e) =>
        e.IsTransient ? StepOutcome.Held($"{doing}: {e.Message}", e) : StepOutcome.Failure($"{doing}: {e.Message}", e);

    /// <summary>
    /// Whether a refused batched write may be the fault of one of its rows (a value Google will not take, a range
    /// outside the grid), so splitting it finds that row. Not a bad credential or share (401, 403), a missing
    /// spreadsheet (404) or a quota (429): those concern every row, and splitting would only multiply them.
    /// </summary>
    public static bool Splittable(GoogleSheetsException e) => !e.IsTransient && e.HttpStatus is >= 400 and < 500 and not (401 or 403 or 404 or 429);

    /// <summary>Renders a mapping for one item; a template that throws fails that item only.</summary>
    public static StepOutcome? Render(TemplateMap values, ItemScope item, out JToken rendered)
    {
        try
        {
            rendered = values.Render(item);
            return null;
        }
        catch (ExpressionException e)
        {
            rendered = JValue.CreateNull();
            return StepOutcome.Failure(e.Message, e);
        }
    }

    private static string? Text(JToken value) => value switch
    {
        { Type: JTokenType.Null } => null,
        // Sheets shows booleans as TRUE/FALSE, and USER_ENTERED reads those back as booleans.
        JValue { Type: JTokenType.Boolean } b => b.Value<bool>() ? "TRUE" : "FALSE",
        JValue v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? "",
        _ => value.ToString(),
    };
}
