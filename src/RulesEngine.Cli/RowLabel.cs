using RulesEngine.Cli.Output;

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
        var label = TerminalText.Escape(string.Join(", ", cells));
        return label.Length > MaxLength ? label[..(MaxLength - 3)] + "..." : label;
    }
}
