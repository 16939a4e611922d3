using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>The settings of the <c>googleSheets.newRows</c> source, as flows write them.</summary>
internal static class NewRowsSpec
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
                AllowedValues: [EditedRowsProcess, EditedRowsIgnore]),
            new(FieldExistingRows, FieldKind.Text,
                "on the first run: 'process' the rows already in the sheet, or 'skip' them and start with rows added afterwards (default process)",
                AllowedValues: ["process", "skip"]),
            new(FieldFilter, FieldKind.Condition, "only rows for which this C# condition holds are processed; others are recorded as skipped",
                Example: "Email.EndsWith(\"@example.com\")"),
        ],
        GoogleSheetsOptions.ConnectionType);
}
