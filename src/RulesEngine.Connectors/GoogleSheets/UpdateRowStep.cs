using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.updateRow</c>: finds the row whose <c>findColumn</c> holds <c>findValue</c> (reading that column
/// with <c>values.get</c>; compared trimmed and ignoring letter case, as a person reading the sheet would) and writes
/// the <c>values</c> cells into it with one <c>values.update</c>. Columns not named are left untouched (sent as null,
/// which Google skips); a value that renders empty clears its cell. No matching row is a failure. Output:
/// <c>rowNumber</c> (the first row written), <c>rowNumbers</c>, <c>matches</c>, <c>updatedRange</c>.
/// The row is found, then written, in two calls: a row inserted or deleted above it in between shifts the target.
/// </summary>
internal sealed class UpdateRowStep(SheetTarget target, string findColumn, CompiledTemplate findValue, TemplateMap values, UpdateRowStep.Matches matches)
    : IReceiver
{
    public const string Type = "googleSheets.updateRow";
    public const string FieldFindColumn = "findColumn";
    public const string FieldFindValue = "findValue";
    public const string FieldMultipleMatches = "multipleMatches";

    public const string OutputRowNumbers = "rowNumbers";
    public const string OutputMatches = "matches";

    internal enum Matches
    {
        First,
        All,
        Fail,
    }

    public static readonly StepSpec Spec = new(
        Type,
        "Find the row of a Google Sheets tab whose column holds a value and write cells into it (e.g. each row's outcome into a Status " +
        "column); fails when no row matches. Output: rowNumber, rowNumbers, matches, updatedRange.",
        [
            .. SheetTarget.CommonFields(
                "column header → new value for the found row; other columns are left as they are, a value that renders empty clears its cell",
                "{\"Status\": \"{create.Failed ? \\\"error: \\\" + create.Error : \\\"done\\\"}\"}"),
            new(FieldFindColumn, FieldKind.Text, "the header of the column to search, e.g. an id or e-mail column", Required: true, Example: "Email"),
            new(FieldFindValue, FieldKind.Template, "the value to find in that column (trimmed, any letter case); an empty value fails the item",
                Required: true, Example: "{Email}"),
            new(FieldMultipleMatches, FieldKind.Text, "when several rows match: update the first (top) one, all of them, or fail (default first)",
                AllowedValues: ["first", "all", "fail"], Example: "all"),
        ],
        GoogleSheetsOptions.ConnectionType)
    {
        Errors = [.. SheetTarget.Errors, new("RE1025", "findColumn is empty")],
    };

    public static IReceiver? Create(StepConfig config)
    {
        var (target, values) = SheetTarget.FromConfig(config);
        var findColumn = config.Text(FieldFindColumn);
        var findValue = config.Template(FieldFindValue);
        var policy = config.Text(FieldMultipleMatches) switch
        {
            "all" => Matches.All,
            "fail" => Matches.Fail,
            _ => Matches.First,
        };
        if (findColumn is { Length: 0 }) config.Error(FieldFindColumn, "RE1025", $"\"{FieldFindColumn}\" must name a column of the header row");
        if (target is null || values is null || string.IsNullOrEmpty(findColumn) || findValue is null) return null;
        return new UpdateRowStep(target, findColumn, findValue, values, policy);
    }

    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new List<StepOutcome>(items.Count);
        SheetHeader? header = null;
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A stop lets the item in flight finish; no further item is called.
            if (StepCall.Current.IsStopping)
            {
                outcomes.Add(StepCall.NotCalled());
                continue;
            }
            if (Render(item, out var value, out var rendered) is { } failed)
            {
                outcomes.Add(failed);
                continue;
            }
            try
            {
                header ??= await target.ReadHeaderAsync(cancellationToken);
                outcomes.Add(await UpdateAsync(header, value, rendered, preview: null, cancellationToken));
            }
            catch (GoogleSheetsException e)
            {
                outcomes.Add(SheetTarget.Outcome($"finding the row with {findColumn} = '{value}' in '{target.Sheet}'", e));
            }
        }
        return outcomes;
    }

    public async Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var previews = new List<StepPreview>(items.Count);
        foreach (var item in items)
        {
            if (Render(item, out var value, out var rendered) is { } failed)
            {
                previews.Add(new StepPreview([], failed));
                continue;
            }
            // Finding the row only reads, so the preview does it for real and shows the write it would make.
            var requests = new List<RequestPreview> { target.Client.PreviewGet(target.SpreadsheetId, target.HeaderRange) };
            try
            {
                var header = await target.ReadHeaderAsync(cancellationToken);
                var predicted = await UpdateAsync(header, value, rendered, requests, cancellationToken);
                previews.Add(new StepPreview(requests, predicted.Status == OutcomeStatus.Succeeded ? predicted : predicted with { Error = "predicted: " + predicted.Error }));
            }
            catch (GoogleSheetsException e)
            {
                previews.Add(new StepPreview(requests, SheetTarget.Outcome("predicted: finding the row failed", e)));
            }
        }
        return previews;
    }

    /// <summary>Finds the rows and writes them; with <paramref name="preview"/> set, records the writes there instead.</summary>
    /// <exception cref="GoogleSheetsException">Reading the column failed.</exception>
    private async Task<StepOutcome> UpdateAsync(SheetHeader header, string value, JToken rendered, List<RequestPreview>? preview, CancellationToken cancellationToken)
    {
        var wanted = value.Trim();
        // An empty value would match every blank cell: never search for it.
        if (wanted.Length == 0) return StepOutcome.Failure($"nothing to find: \"{FieldFindValue}\" is empty for this item ({FieldFindColumn} {findColumn})");
        var keyIndex = header.IndexOf(findColumn);
        if (keyIndex < 0)
        {
            return StepOutcome.Failure($"sheet '{target.Sheet}' has no column '{findColumn}' in its header (row {target.HeaderRow}; " +
                (header.Names.Count == 0 ? "it is empty)" : "it has: " + string.Join(", ", header.Names) + ")"));
        }
        if (target.Place(rendered, header, out var error) is not { } placed) return StepOutcome.Failure(error);

        var letter = A1Notation.ColumnName(keyIndex + 1);
        var columnRange = target.Range($"{letter}{target.HeaderRow + 1}:{letter}");
        preview?.Add(target.Client.PreviewGet(target.SpreadsheetId, columnRange));
        var column = await target.Client.GetValuesAsync(target.SpreadsheetId, columnRange, cancellationToken);
        var rows = column
            .Select((cells, i) => (Row: target.HeaderRow + 1 + i, Text: cells.Count > 0 ? cells[0].Trim() : ""))
            .Where(r => string.Equals(r.Text, wanted, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Row)
            .ToList();
        if (rows.Count == 0) return StepOutcome.Failure($"no row of '{target.Sheet}' has {findColumn} = '{wanted}'");
        var count = rows.Count.ToString(CultureInfo.InvariantCulture);
        if (rows.Count > 1 && matches == Matches.Fail)
        {
            return StepOutcome.Failure($"{count} rows of '{target.Sheet}' have {findColumn} = '{wanted}' (rows {string.Join(", ", rows)}); " +
                $"none updated because \"{FieldMultipleMatches}\" is \"fail\"", output: new Dictionary<string, string> { [OutputMatches] = count });
        }
        if (matches == Matches.First) rows = [rows[0]];

        var first = placed.Keys.Min();
        var cells = Enumerable.Range(first, placed.Keys.Max() - first + 1).Select(i => placed.TryGetValue(i, out var text) ? text : null).ToList();
        var cellsRange = $"{A1Notation.ColumnName(first + 1)}{{0}}:{A1Notation.ColumnName(placed.Keys.Max() + 1)}{{0}}";
        var written = new List<string>();
        var updatedRange = "";
        foreach (var row in rows)
        {
            var range = target.Range(string.Format(CultureInfo.InvariantCulture, cellsRange, row));
            if (preview is not null)
            {
                preview.Add(target.Client.PreviewUpdate(target.SpreadsheetId, range, cells, target.RawInput));
                written.Add(row.ToString(CultureInfo.InvariantCulture));
                continue;
            }
            try
            {
                var result = await target.Client.UpdateRowAsync(target.SpreadsheetId, range, cells, target.RawInput, cancellationToken);
                if (updatedRange.Length == 0) updatedRange = result.UpdatedRange;
                written.Add(row.ToString(CultureInfo.InvariantCulture));
            }
            catch (GoogleSheetsException e)
            {
                var before = written.Count > 0 ? $" (rows {string.Join(", ", written)} were updated before it)" : "";
                return SheetTarget.Outcome($"updating row {row} of '{target.Sheet}'{before}", e);
            }
        }
        return StepOutcome.Success(new Dictionary<string, string>
        {
            [SheetTarget.OutputRowNumber] = written[0],
            [OutputRowNumbers] = string.Join(",", written),
            [OutputMatches] = count,
            [SheetTarget.OutputUpdatedRange] = updatedRange,
        });
    }

    private StepOutcome? Render(ItemScope item, out string value, out JToken rendered)
    {
        try
        {
            value = findValue.Render(item);
        }
        catch (ExpressionException e)
        {
            value = "";
            rendered = JValue.CreateNull();
            return StepOutcome.Failure(e.Message, e);
        }
        return SheetTarget.Render(values, item, out rendered);
    }
}
