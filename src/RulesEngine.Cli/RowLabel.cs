using System.Globalization;
using System.Text;

namespace RulesEngine.Cli;

/// <summary>
/// How a row is named in history lines: enough of its first cells that a person can tell rows apart (row numbers
/// change when rows are inserted above), escaped so that a cell cannot drive the terminal.
/// </summary>
internal static class RowLabel
{
    private const int MaxLength = 48;

    /// <summary>The first non-empty cells (at most three), in column order, escaped and shortened.</summary>
    public static string Of(IReadOnlyDictionary<string, string> fields)
    {
        var cells = fields.Values.Where(v => !string.IsNullOrWhiteSpace(v)).Take(3).Select(v => v.Trim());
        var label = Escape(string.Join(", ", cells));
        return label.Length > MaxLength ? label[..(MaxLength - 3)] + "..." : label;
    }

    /// <summary>Control characters (escape sequences, line breaks) and bidirectional overrides, which could rewrite
    /// what the terminal shows, as visible <c>\u001b</c>-style escapes. The stored data keeps them.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (NeedsEscape(c)) escaped.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static bool NeedsEscape(char c) =>
        char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
