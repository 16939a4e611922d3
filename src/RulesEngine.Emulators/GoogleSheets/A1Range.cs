using System.Text.RegularExpressions;

namespace RulesEngine.Connectors.GoogleSheets.Emulator;

/// <summary>
/// A parsed A1 range as <c>values.get</c> accepts it: <c>Sheet1</c>, <c>'It''s here'!A5:ZZ</c>, <c>Sheet1!1:1</c>,
/// <c>A2:C10</c>, <c>A:C</c>. Rows and columns are 1-based; a null end means unbounded.
/// </summary>
internal sealed partial record A1Range(string? Sheet, int FirstRow, int FirstColumn, int? LastRow, int? LastColumn)
{
    /// <summary>Splits <paramref name="text"/> into its sheet part and its cells part (either may be null).
    /// Without <c>!</c> and quotes the text may be either; the caller decides by looking for a sheet of that name.</summary>
    public static bool TrySplit(string text, out string? sheet, out string? cells)
    {
        sheet = null;
        cells = null;
        if (text.StartsWith('\''))
        {
            var name = new System.Text.StringBuilder();
            var i = 1;
            for (; i < text.Length; i++)
            {
                if (text[i] != '\'') name.Append(text[i]);
                else if (i + 1 < text.Length && text[i + 1] == '\'') name.Append(text[++i]);
                else break;
            }
            if (i >= text.Length) return false;
            sheet = name.ToString();
            var rest = text[(i + 1)..];
            if (rest.Length == 0) return true;
            if (rest[0] != '!' || rest.Length == 1) return false;
            cells = rest[1..];
            return true;
        }
        var bang = text.IndexOf('!');
        if (bang < 0)
        {
            cells = text;
            return text.Length > 0;
        }
        sheet = text[..bang];
        cells = text[(bang + 1)..];
        return sheet.Length > 0 && cells.Length > 0;
    }

    /// <summary>The cells part: <c>A1</c>, <c>A1:C10</c>, <c>A:C</c>, <c>1:1</c>, <c>A5:ZZ</c>.</summary>
    public static A1Range? ParseCells(string? sheet, string cells)
    {
        var m = Cells().Match(cells);
        if (!m.Success) return null;
        var (c1, r1, c2, r2) = (m.Groups["c1"].Value, m.Groups["r1"].Value, m.Groups["c2"].Value, m.Groups["r2"].Value);
        if (c1.Length + r1.Length == 0) return null;
        if (!m.Groups["end"].Success)
        {
            // A single cell needs both its column and its row.
            if (c1.Length == 0 || r1.Length == 0) return null;
            return new A1Range(sheet, Row(r1), A1Notation.ColumnNumber(c1), Row(r1), A1Notation.ColumnNumber(c1));
        }
        if (c2.Length + r2.Length == 0) return null;
        var range = new A1Range(sheet,
            r1.Length > 0 ? Row(r1) : 1,
            c1.Length > 0 ? A1Notation.ColumnNumber(c1) : 1,
            r2.Length > 0 ? Row(r2) : null,
            c2.Length > 0 ? A1Notation.ColumnNumber(c2) : null);
        return range.FirstRow < 1 || range.LastRow < range.FirstRow || range.LastColumn < range.FirstColumn ? null : range;
    }

    private static int Row(string digits) => int.TryParse(digits, out var row) ? row : -1;

    [GeneratedRegex("^(?<c1>[A-Za-z]{0,3})(?<r1>[0-9]{0,7})(?<end>:(?<c2>[A-Za-z]{0,3})(?<r2>[0-9]{0,7}))?$")]
    private static partial Regex Cells();
}
