using System.Globalization;
using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// <c>googleSheets.updateRow</c>: finds the row whose <c>findColumn</c> holds <c>findValue</c> (reading that column
/// with <c>values.get</c>; compared trimmed and ignoring letter case, as a person reading the sheet would) and writes
/// the <c>values</c> cells into it with one <c>values.update</c> (a batch of items: one column read and one
/// <c>values.batchUpdate</c>, see <see cref="ExecuteAsync"/>). Columns not named are left untouched (sent as null,
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

    /// <summary>
    /// Serves a batch with few requests: the header and the <c>findColumn</c> read once, then every row's cells in one
    /// <c>values.batchUpdate</c> (a new request when a row is written twice, so the order of writes to one row never
    /// rests on how Google orders a request's ranges). Each item's outcome is what <see cref="UpdateAsync"/> gives it
    /// alone: its own <c>updatedRange</c> from <c>responses[]</c>; a request Google refuses (4xx: it applied nothing)
    /// is split in halves down to single <c>values.update</c>s, the unbatched request, so the error lands on the item
    /// that caused it; an item's later rows are not written once one of its rows failed, as alone. Items whose
    /// <c>values</c> write <c>findColumn</c> go one by one (one item's write could change which row a later one finds).
    /// </summary>
    public async Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        var outcomes = new StepOutcome?[items.Count];
        var ready = new List<(int Index, string Value, JToken Rendered)>();
        SheetHeader? header = null;
        for (var i = 0; i < items.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (StepCall.Current.IsStopping)
            {
                outcomes[i] = StepCall.NotCalled();
                continue;
            }
            if (Render(items[i], out var value, out var rendered) is { } failed)
            {
                outcomes[i] = failed;
                continue;
            }
            try
            {
                header ??= await target.ReadHeaderAsync(cancellationToken);
                ready.Add((i, value, rendered));
            }
            catch (GoogleSheetsException e)
            {
                outcomes[i] = SheetTarget.Outcome($"finding the row with {findColumn} = '{value}' in '{target.Sheet}'", e);
            }
        }
        if (ready.Count == 1 || (ready.Count > 1 && WritesFindColumn(header!, ready.Select(r => r.Rendered))))
        {
            foreach (var (index, value, rendered) in ready)
            {
                // A stop lets the item in flight finish; no further item is called.
                outcomes[index] = StepCall.Current.IsStopping ? StepCall.NotCalled() : await UpdateOneAsync(header!, value, rendered, cancellationToken);
            }
        }
        else if (ready.Count > 1)
        {
            await UpdateBatchAsync(header!, ready, outcomes, cancellationToken);
        }
        return [.. outcomes.Select(o => o!)];
    }

    private async Task<StepOutcome> UpdateOneAsync(SheetHeader header, string value, JToken rendered, CancellationToken cancellationToken)
    {
        try
        {
            return await UpdateAsync(header, value, rendered, preview: null, cancellationToken);
        }
        catch (GoogleSheetsException e)
        {
            return SheetTarget.Outcome($"finding the row with {findColumn} = '{value}' in '{target.Sheet}'", e);
        }
    }

    private bool WritesFindColumn(SheetHeader header, IEnumerable<JToken> rendered)
    {
        var keyIndex = header.IndexOf(findColumn);
        return keyIndex >= 0 && rendered.Any(r => target.Place(r, header, out _) is { } placed && placed.ContainsKey(keyIndex));
    }

    private async Task UpdateBatchAsync(SheetHeader header, List<(int Index, string Value, JToken Rendered)> ready, StepOutcome?[] outcomes,
        CancellationToken cancellationToken)
    {
        var planned = new List<(int Index, string Value, Plan Plan)>();
        foreach (var (index, value, rendered) in ready)
        {
            if (PlanUpdate(header, value, rendered, out var plan) is { } failed) outcomes[index] = failed;
            else planned.Add((index, value, plan!));
        }
        if (planned.Count == 0) return;
        IReadOnlyList<IReadOnlyList<string>> column;
        try
        {
            column = await target.Client.GetValuesAsync(target.SpreadsheetId, planned[0].Plan.ColumnRange, cancellationToken);
        }
        catch (GoogleSheetsException e)
        {
            foreach (var (index, value, _) in planned) outcomes[index] = SheetTarget.Outcome($"finding the row with {findColumn} = '{value}' in '{target.Sheet}'", e);
            return;
        }
        var batch = new BatchedWrites(outcomes);
        foreach (var (index, _, plan) in planned)
        {
            if (Match(plan, column, out var rows) is { } failed) outcomes[index] = failed;
            else batch.Add(index, plan, rows);
        }
        foreach (var chunk in batch.Chunks())
        {
            var pending = chunk.Where(w => batch.Wants(w, StepCall.Current.IsStopping)).ToList();
            if (pending.Count > 0) await WriteAsync(batch, pending, cancellationToken);
        }
        batch.Complete(target.Sheet);
    }

    /// <summary>Writes <paramref name="writes"/> in one <c>values.batchUpdate</c>; a refused request is split in halves.</summary>
    private async Task WriteAsync(BatchedWrites batch, List<RowWrite> writes, CancellationToken cancellationToken)
    {
        if (writes.Count == 1)
        {
            var write = writes[0];
            try
            {
                batch.Written(write, await target.Client.UpdateRowAsync(target.SpreadsheetId, write.Range, write.Cells, target.RawInput, cancellationToken));
            }
            catch (GoogleSheetsException e)
            {
                batch.Failed(write, e, "");
            }
            return;
        }
        try
        {
            var results = await target.Client.BatchUpdateRowsAsync(target.SpreadsheetId, [.. writes.Select(w => (w.Range, w.Cells))], target.RawInput, cancellationToken);
            for (var i = 0; i < writes.Count; i++) batch.Written(writes[i], results[i]);
        }
        catch (GoogleSheetsException e) when (SheetTarget.Splittable(e))
        {
            var half = writes.Count / 2;
            foreach (var part in new[] { writes[..half], writes[half..] })
            {
                var pending = part.Where(w => batch.Wants(w, StepCall.Current.IsStopping)).ToList();
                if (pending.Count > 0) await WriteAsync(batch, pending, cancellationToken);
            }
        }
        catch (GoogleSheetsException e)
        {
            foreach (var write in writes) batch.Failed(write, e, $" (sent in one request with {writes.Count - 1} other write{(writes.Count > 2 ? "s" : "")})");
        }
    }

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.PreviewAsync(items, PreviewOneAsync, cancellationToken);

    private async Task<StepPreview> PreviewOneAsync(ItemScope item, CancellationToken cancellationToken)
    {
        if (Render(item, out var value, out var rendered) is { } failed) return StepPreview.NothingSent(failed);
        // Finding the row only reads, so the preview does it for real and shows the write it would make.
        var requests = new List<RequestPreview> { target.Client.PreviewGet(target.SpreadsheetId, target.HeaderRange) };
        try
        {
            var header = await target.ReadHeaderAsync(cancellationToken);
            return StepPreview.Predicting(requests, await UpdateAsync(header, value, rendered, requests, cancellationToken));
        }
        catch (GoogleSheetsException e)
        {
            return new StepPreview(requests, SheetTarget.Outcome("predicted: finding the row failed", e));
        }
    }

    /// <summary>Finds the rows and writes them; with <paramref name="preview"/> set, records the writes there instead.</summary>
    /// <exception cref="GoogleSheetsException">Reading the column failed.</exception>
    private async Task<StepOutcome> UpdateAsync(SheetHeader header, string value, JToken rendered, List<RequestPreview>? preview, CancellationToken cancellationToken)
    {
        if (PlanUpdate(header, value, rendered, out var plan) is { } failed) return failed;
        preview?.Add(target.Client.PreviewGet(target.SpreadsheetId, plan!.ColumnRange));
        var column = await target.Client.GetValuesAsync(target.SpreadsheetId, plan!.ColumnRange, cancellationToken);
        if (Match(plan, column, out var rows) is { } unmatched) return unmatched;

        var written = new List<string>();
        var updatedRange = "";
        foreach (var row in rows)
        {
            var range = plan.RangeOf(row);
            if (preview is not null)
            {
                preview.Add(target.Client.PreviewUpdate(target.SpreadsheetId, range, plan.Cells, target.RawInput));
                written.Add(row.ToString(CultureInfo.InvariantCulture));
                continue;
            }
            try
            {
                var result = await target.Client.UpdateRowAsync(target.SpreadsheetId, range, plan.Cells, target.RawInput, cancellationToken);
                if (updatedRange.Length == 0) updatedRange = result.UpdatedRange;
                written.Add(row.ToString(CultureInfo.InvariantCulture));
            }
            catch (GoogleSheetsException e)
            {
                return WriteFailure(target.Sheet, row, written, e, "");
            }
        }
        return Written(written, plan.Count, updatedRange);
    }

    /// <summary>What to search for and what to write, or the item's failure when there is nothing to do.</summary>
    private StepOutcome? PlanUpdate(SheetHeader header, string value, JToken rendered, out Plan? plan)
    {
        plan = null;
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
        var first = placed.Keys.Min();
        var cells = Enumerable.Range(first, placed.Keys.Max() - first + 1).Select(i => placed.TryGetValue(i, out var text) ? text : null).ToList();
        var cellsRange = $"{A1Notation.ColumnName(first + 1)}{{0}}:{A1Notation.ColumnName(placed.Keys.Max() + 1)}{{0}}";
        plan = new Plan(wanted, target.Range($"{letter}{target.HeaderRow + 1}:{letter}"), cells,
            row => target.Range(string.Format(CultureInfo.InvariantCulture, cellsRange, row)));
        return null;
    }

    /// <summary>The rows to write by the <c>multipleMatches</c> policy, or the item's failure (no match, several with "fail").</summary>
    private StepOutcome? Match(Plan plan, IReadOnlyList<IReadOnlyList<string>> column, out List<int> rows)
    {
        rows = column
            .Select((cells, i) => (Row: target.HeaderRow + 1 + i, Text: cells.Count > 0 ? cells[0].Trim() : ""))
            .Where(r => string.Equals(r.Text, plan.Wanted, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Row)
            .ToList();
        plan.Count = rows.Count.ToString(CultureInfo.InvariantCulture);
        if (rows.Count == 0) return StepOutcome.Failure($"no row of '{target.Sheet}' has {findColumn} = '{plan.Wanted}'");
        if (rows.Count > 1 && matches == Matches.Fail)
        {
            return StepOutcome.Failure($"{plan.Count} rows of '{target.Sheet}' have {findColumn} = '{plan.Wanted}' (rows {string.Join(", ", rows)}); " +
                $"none updated because \"{FieldMultipleMatches}\" is \"fail\"", output: new Dictionary<string, string> { [OutputMatches] = plan.Count });
        }
        if (matches == Matches.First) rows = [rows[0]];
        return null;
    }

    private static StepOutcome WriteFailure(string sheet, int row, List<string> written, GoogleSheetsException e, string note)
    {
        var before = written.Count > 0 ? $" (rows {string.Join(", ", written)} were updated before it)" : "";
        return SheetTarget.Outcome($"updating row {row} of '{sheet}'{before}{note}", e);
    }

    private static StepOutcome Written(List<string> written, string count, string updatedRange) => StepOutcome.Success(new Dictionary<string, string>
    {
        [SheetTarget.OutputRowNumber] = written[0],
        [OutputRowNumbers] = string.Join(",", written),
        [OutputMatches] = count,
        [SheetTarget.OutputUpdatedRange] = updatedRange,
    });

    /// <summary>One item's search and write: the trimmed value, the column range to read, the cells, the range of a row.</summary>
    private sealed record Plan(string Wanted, string ColumnRange, List<string?> Cells, Func<int, string> RangeOf)
    {
        /// <summary>How many rows matched (the <c>matches</c> output), once <see cref="Match"/> ran.</summary>
        public string Count { get; set; } = "0";
    }

    private sealed record RowWrite(int Item, int Row, string Range, IReadOnlyList<string?> Cells);

    /// <summary>A batch's writes and what each item got so far, so every item's outcome is what it would get alone.</summary>
    private sealed class BatchedWrites(StepOutcome?[] outcomes)
    {
        // Enough ranges per request to make a batch cheap, few enough to keep the body far below Google's size limits.
        private const int MaxRangesPerRequest = 100;

        private readonly List<RowWrite> _writes = [];
        private readonly Dictionary<int, (Plan Plan, List<string> Written, string UpdatedRange)> _items = [];
        private readonly Dictionary<int, (int Row, GoogleSheetsException Error, string Note)> _failed = [];

        public void Add(int item, Plan plan, List<int> rows)
        {
            _items[item] = (plan, [], "");
            foreach (var row in rows) _writes.Add(new RowWrite(item, row, plan.RangeOf(row), plan.Cells));
        }

        /// <summary>The writes in order, cut where a request would write one row twice or grow too long.</summary>
        public IEnumerable<List<RowWrite>> Chunks()
        {
            var chunk = new List<RowWrite>();
            var rows = new HashSet<int>();
            foreach (var write in _writes)
            {
                if (chunk.Count == MaxRangesPerRequest || !rows.Add(write.Row))
                {
                    yield return chunk;
                    chunk = [write];
                    rows = [write.Row];
                    continue;
                }
                chunk.Add(write);
            }
            if (chunk.Count > 0) yield return chunk;
        }

        /// <summary>
        /// Whether to send a write still: not after its item failed (alone, its later rows would not be written), and,
        /// once the run is stopping, only for an item already partly written (the item in flight finishes).
        /// </summary>
        public bool Wants(RowWrite write, bool stopping)
        {
            if (_failed.ContainsKey(write.Item) || outcomes[write.Item] is not null) return false;
            if (!stopping || _items[write.Item].Written.Count > 0) return true;
            outcomes[write.Item] = StepCall.NotCalled();
            return false;
        }

        public void Written(RowWrite write, SheetWriteResult result)
        {
            var (plan, written, updatedRange) = _items[write.Item];
            written.Add(write.Row.ToString(CultureInfo.InvariantCulture));
            _items[write.Item] = (plan, written, updatedRange.Length == 0 ? result.UpdatedRange : updatedRange);
        }

        public void Failed(RowWrite write, GoogleSheetsException e, string note) => _failed.TryAdd(write.Item, (write.Row, e, note));

        public void Complete(string sheet)
        {
            foreach (var (item, (plan, written, updatedRange)) in _items)
            {
                if (outcomes[item] is not null) continue;
                outcomes[item] = _failed.TryGetValue(item, out var failure)
                    ? WriteFailure(sheet, failure.Row, written, failure.Error, failure.Note)
                    : UpdateRowStep.Written(written, plan.Count, updatedRange);
            }
        }
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
