using System.Globalization;
using System.Text;

namespace RulesEngine.Cli.Output;

/// <summary>
/// Makes untrusted text (sheet cells, service error texts, sheet and flow names) safe to print on a terminal: a
/// cell holding ESC sequences could recolour, move the cursor, retitle the window or hide text; a right-to-left
/// override or isolate could make a line read differently from what it holds. Such characters are shown visibly
/// as <c>\u001B</c>, <c>\u202E</c>, and line breaks and tabs as <c>\n</c>, <c>\r</c>, <c>\t</c>, so one row is one
/// line. Only what is printed changes: the stored data keeps every character.
/// </summary>
internal static class TerminalText
{
    /// <summary>For a value printed inside a line: every control and bidi character is escaped, line breaks too.</summary>
    public static string Escape(string? text) => Escape(text, keepLineBreaks: false);

    /// <summary>For whole output lines (the console's safety net): as <see cref="Escape(string?)"/>, but the
    /// line breaks the program itself writes (LF, and CR LF) are kept. The escapes are valid JSON string escapes
    /// of the same characters, so a JSON document printed through this stays the same document.</summary>
    public static string EscapeLines(string? text) => Escape(text, keepLineBreaks: true);

    private static string Escape(string? text, bool keepLineBreaks)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        var firstUnsafe = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text, i, keepLineBreaks))
            {
                firstUnsafe = i;
                break;
            }
        }
        if (firstUnsafe < 0) return text; // the common case allocates nothing
        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, firstUnsafe);
        for (var i = firstUnsafe; i < text.Length; i++)
        {
            var c = text[i];
            if (!IsUnsafe(text, i, keepLineBreaks)) escaped.Append(c);
            else if (c == '\n') escaped.Append("\\n");
            else if (c == '\r') escaped.Append("\\r");
            else if (c == '\t') escaped.Append("\\t");
            else escaped.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
        }
        return escaped.ToString();
    }

    private static bool IsUnsafe(string text, int index, bool keepLineBreaks)
    {
        var c = text[index];
        if (keepLineBreaks && (c == '\n' || (c == '\r' && index + 1 < text.Length && text[index + 1] == '\n'))) return false;
        return IsControlOrBidi(c);
    }

    /// <summary>C0 controls (ESC among them), DEL, C1 controls, the bidi marks, embeddings, overrides and isolates,
    /// and the line and paragraph separators (which some terminals treat as line breaks).</summary>
    public static bool IsControlOrBidi(char c) => c switch
    {
        < '\u0020' or >= '\u007F' and <= '\u009F' => true,
        '\u061C' or '\u200E' or '\u200F' => true,   // Arabic letter mark, left-to-right and right-to-left marks
        >= '\u202A' and <= '\u202E' => true,        // LRE, RLE, PDF, LRO, RLO
        >= '\u2066' and <= '\u2069' => true,        // LRI, RLI, FSI, PDI
        '\u2028' or '\u2029' => true,               // line and paragraph separators
        _ => false,
    };
}
