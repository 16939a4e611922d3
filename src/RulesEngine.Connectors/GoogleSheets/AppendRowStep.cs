using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.appendRow</c>: adds one row per item below the table under the header row
/// (<c>values.append</c>, <c>insertDataOption=INSERT_ROWS</c>). Cells are placed by the header, so <c>values</c>
/// names columns, not positions; columns it does not name stay empty. The header is read once per batch.
/// Succeeded with <c>rowNumber</c> and <c>updatedRange</c>; Failed when the sheet has no such column, every value is
/// empty, or Google says no (an API key, a sheet shared read-only); Held when Google gave no usable answer. An
/// append whose answer was lost (a timeout) is not retried in the same run, because it may have been applied; the
/// held item is sent again on a later run, so that row can then appear twice.
/// </summary>
internal sealed class AppendRowStep(SheetTarget target, TemplateMap values) : IReceiver
{
    public const string Type = "googleSheets.appendRow";

    public static readonly StepSpec Spec = new(
        Type,
        "Append a row to a Google Sheets tab, cells placed by the header row. Output: rowNumber (where the row landed), updatedRange.",
        SheetTarget.CommonFields(
            "column header → value for the new row, e.g. {\"Email\": \"{Email}\", \"Result\": \"{create.Result}\"}; columns not named stay empty",
            "{\"Email\": \"{Email}\", \"Error\": \"{create.Error}\", \"Run\": \"{Run.Link}\"}"),
        GoogleSheetsOptions.ConnectionType)
    {
        Errors = SheetTarget.Errors,
    };

    public static IReceiver? Create(StepConfig config)
    {
        var (target, values) = SheetTarget.FromConfig(config);
        return target is null || values is null ? null : new AppendRowStep(target, values);
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
            if (SheetTarget.Render(values, item, out var rendered) is { } failed)
            {
                outcomes.Add(failed);
                continue;
            }
            try
            {
                header ??= await target.ReadHeaderAsync(cancellationToken);
            }
            catch (GoogleSheetsException e)
            {
                outcomes.Add(SheetTarget.Outcome($"reading the header of '{target.Sheet}'", e));
                continue;
            }
            outcomes.Add(await AppendAsync(header, rendered, cancellationToken));
        }
        return outcomes;
    }

    public async Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var previews = new List<StepPreview>(items.Count);
        foreach (var item in items)
        {
            if (SheetTarget.Render(values, item, out var rendered) is { } failed)
            {
                previews.Add(new StepPreview([], failed));
                continue;
            }
            var readHeader = target.Client.PreviewGet(target.SpreadsheetId, target.HeaderRange);
            try
            {
                // Reading the header is read-only, so the preview can place the cells exactly as a run would.
                var header = await target.ReadHeaderAsync(cancellationToken);
                if (Cells(header, rendered, out var error) is not { } cells)
                {
                    previews.Add(new StepPreview([readHeader], StepOutcome.Failure("predicted: " + error)));
                    continue;
                }
                var append = target.Client.PreviewAppend(target.SpreadsheetId, Range(header), cells, target.RawInput);
                previews.Add(new StepPreview([readHeader, append], StepOutcome.Success(new Dictionary<string, string>
                {
                    ["prediction"] = $"predicted: would append a row to '{target.Sheet}'",
                })));
            }
            catch (GoogleSheetsException e)
            {
                previews.Add(new StepPreview([readHeader], SheetTarget.Outcome("predicted: reading the header failed", e)));
            }
        }
        return previews;
    }

    private async Task<StepOutcome> AppendAsync(SheetHeader header, JToken rendered, CancellationToken cancellationToken)
    {
        if (Cells(header, rendered, out var error) is not { } cells) return StepOutcome.Failure(error);
        try
        {
            var result = await target.Client.AppendRowAsync(target.SpreadsheetId, Range(header), cells, target.RawInput, cancellationToken);
            return StepOutcome.Success(new Dictionary<string, string>
            {
                [SheetTarget.OutputRowNumber] = result.FirstRow?.ToString(CultureInfo.InvariantCulture) ?? "",
                [SheetTarget.OutputUpdatedRange] = result.UpdatedRange,
            });
        }
        catch (GoogleSheetsException e)
        {
            return SheetTarget.Outcome($"appending a row to '{target.Sheet}'", e);
        }
    }

    /// <summary>The row's cells from column A to the last named one; null (with the reason) when it cannot be written.</summary>
    private List<string>? Cells(SheetHeader header, JToken rendered, out string error)
    {
        if (target.Place(rendered, header, out error) is not { } placed) return null;
        if (placed.Values.All(string.IsNullOrEmpty))
        {
            error = $"every value in \"{SheetTarget.FieldValues}\" is empty for this item; no row appended";
            return null;
        }
        var cells = Enumerable.Repeat("", placed.Keys.Max() + 1).ToList();
        foreach (var (index, text) in placed) cells[index] = text ?? "";
        return cells;
    }

    // From the header row down, as wide as the header: Google finds the table there and appends below it.
    private string Range(SheetHeader header) =>
        target.Range($"A{target.HeaderRow}:{A1Notation.ColumnName(Math.Max(1, header.Names.Count))}");
}
