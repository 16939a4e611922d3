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

    private static int Count(JObject json, string key) => json[key] is JValue { Type: JTokenType.Integer } v ? v.Value<int>() : 0;

    // The cells part follows the last '!' (a quoted sheet name may contain one): A11:C11, or 11:11.
    [GeneratedRegex(@"!\$?[A-Za-z]*\$?(?<row>[0-9]+)[^!]*$")]
    private static partial Regex FirstRowPattern();
}
