using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// What Google reports after a write: <c>updatedRange</c> (e.g. <c>Sheet1!A11:C11</c>) and the counts of
/// <c>values.update</c>'s response (also found under <c>updates</c> in <c>values.append</c>'s), plus, for an append,
/// the <c>tableRange</c> the row was added after (absent when the range was empty).
/// </summary>
public sealed partial record SheetWriteResult(string UpdatedRange, int UpdatedRows, int UpdatedColumns, int UpdatedCells, string? TableRange)
{
    /// <summary>The first row number of <see cref="UpdatedRange"/>, or null when it has none.</summary>
    public int? FirstRow =>
        FirstRowPattern().Match(UpdatedRange) is { Success: true } m && int.TryParse(m.Groups["row"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var row)
            ? row
            : null;

    internal static SheetWriteResult Parse(JObject updates, string? tableRange) => new(
        updates["updatedRange"]?.ToString() ?? "",
        Count(updates, "updatedRows"),
        Count(updates, "updatedColumns"),
        Count(updates, "updatedCells"),
        string.IsNullOrEmpty(tableRange) ? null : tableRange);

    /// <summary>
    /// What each row of a many-row append got, as a one-row append of it would report: Google answers with one range
    /// spanning the rows (e.g. <c>Sheet1!A11:C13</c>); row i is the range's first row + i, from its first column and
    /// as wide as that row's own cells. Null when the range does not span exactly that many rows.
    /// <see cref="TableRange"/> is the table the whole batch was added after.
    /// </summary>
    internal static IReadOnlyList<SheetWriteResult>? Split(SheetWriteResult whole, IReadOnlyList<int> widths)
    {
        var bang = whole.UpdatedRange.LastIndexOf('!');
        if (bang < 0 || SpanPattern().Match(whole.UpdatedRange[(bang + 1)..]) is not { Success: true } span) return null;
        if (!int.TryParse(span.Groups["first"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var firstRow)
            || !int.TryParse(span.Groups["last"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var lastRow)
            || lastRow - firstRow + 1 != widths.Count)
            return null;
        var sheet = whole.UpdatedRange[..(bang + 1)];
        var firstColumn = A1Notation.ColumnNumber(span.Groups["column"].Value);
        return [.. widths.Select((width, i) =>
        {
            var row = (firstRow + i).ToString(CultureInfo.InvariantCulture);
            var columns = Math.Max(1, width);
            return new SheetWriteResult(
                $"{sheet}{span.Groups["column"].Value}{row}:{A1Notation.ColumnName(firstColumn + columns - 1)}{row}",
                1, width, width, whole.TableRange);
        })];
    }

    private static int Count(JObject json, string key) => json[key] is JValue { Type: JTokenType.Integer } v ? v.Value<int>() : 0;

    // The cells part follows the last '!' (a quoted sheet name may contain one): A11:C11, or 11:11.
    [GeneratedRegex(@"!\$?[A-Za-z]*\$?(?<row>[0-9]+)[^!]*$")]
    private static partial Regex FirstRowPattern();

    [GeneratedRegex(@"^(?<column>[A-Za-z]+)(?<first>[0-9]+):[A-Za-z]+(?<last>[0-9]+)$")]
    private static partial Regex SpanPattern();
}
