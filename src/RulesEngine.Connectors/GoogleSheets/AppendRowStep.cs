using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.appendRow</c>: adds one row per item below the table under the header row
/// (<c>values.append</c>, <c>insertDataOption=INSERT_ROWS</c>). Cells are placed by the header, so <c>values</c>
/// names columns, not positions; columns it does not name stay empty. The header is read once per batch, and the
/// batch's rows go in one request (see <see cref="ExecuteAsync"/>).
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

    /// <summary>
    /// Serves a batch with one <c>values.append</c> carrying every row that can be written (the header read once).
    /// Each row's outcome is what it would get alone: its own <c>rowNumber</c> and <c>updatedRange</c>, cut from the
    /// range Google reports for the batch. A request Google refuses (4xx: it applied nothing) is split in halves down
    /// to single appends, the unbatched request, so the error lands on the row that caused it, and the rows still land
    /// in the order of the batch. An answer that is lost or unusable holds every row of that request (the append may
    /// have been applied; see the class remarks).
    /// </summary>
    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new StepOutcome?[items.Count];
        var ready = new List<PendingRow>();
        SheetHeader? header = null;
        for (var i = 0; i < items.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (StepCall.Current.IsStopping)
            {
                outcomes[i] = StepCall.NotCalled();
                continue;
            }
            if (SheetTarget.Render(values, items[i], out var rendered) is { } failed)
            {
                outcomes[i] = failed;
                continue;
            }
            try
            {
                header ??= await target.ReadHeaderAsync(cancellationToken);
            }
            catch (GoogleSheetsException e)
            {
                outcomes[i] = SheetTarget.Outcome($"reading the header of '{target.Sheet}'", e);
                continue;
            }
            if (Cells(header, rendered, out var error) is not { } cells) outcomes[i] = StepOutcome.Failure(error);
            else ready.Add(new PendingRow(i, cells));
        }
        if (ready.Count > 0) await AppendAsync(Range(header!), ready, outcomes, cancellationToken);
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>Appends <paramref name="rows"/> in one request; a refused request is split in halves.</summary>
    private async Task AppendAsync(string range, List<PendingRow> rows, StepOutcome?[] outcomes, CancellationToken cancellationToken)
    {
        if (StepCall.Current.IsStopping)
        {
            // Only a refused request (nothing applied) is ever split, so nothing was sent for these rows.
            foreach (var row in rows) outcomes[row.Index] = StepCall.NotCalled();
            return;
        }
        try
        {
            var results = await target.Client.AppendRowsAsync(target.SpreadsheetId, range, [.. rows.Select(r => r.Cells)], target.RawInput, cancellationToken);
            for (var i = 0; i < rows.Count; i++)
            {
                outcomes[rows[i].Index] = StepOutcome.Success(new Dictionary<string, string>
                {
                    [SheetTarget.OutputRowNumber] = results[i].FirstRow?.ToString(CultureInfo.InvariantCulture) ?? "",
                    [SheetTarget.OutputUpdatedRange] = results[i].UpdatedRange,
                });
            }
        }
        catch (GoogleSheetsException e) when (rows.Count > 1 && SheetTarget.Splittable(e))
        {
            var half = rows.Count / 2;
            await AppendAsync(range, rows[..half], outcomes, cancellationToken);
            await AppendAsync(range, rows[half..], outcomes, cancellationToken);
        }
        catch (GoogleSheetsException e)
        {
            var others = rows.Count > 1 ? $" (sent in one request with {rows.Count - 1} other row{(rows.Count > 2 ? "s" : "")})" : "";
            foreach (var row in rows) outcomes[row.Index] = SheetTarget.Outcome($"appending a row to '{target.Sheet}'{others}", e);
        }
    }

    private sealed record PendingRow(int Index, List<string> Cells);

    public async Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var previews = new List<StepPreview>(items.Count);
        foreach (var item in items)
        {
            if (SheetTarget.Render(values, item, out var rendered) is { } failed)
            {
                previews.Add(StepPreview.NothingSent(failed));
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
