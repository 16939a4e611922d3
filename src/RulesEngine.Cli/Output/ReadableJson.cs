using System.Globalization;
using System.Text;

namespace RulesEngine.Cli.Output;

/// <summary>
/// Shows a JSON request body as people read it. Some serializers (System.Text.Json's default encoder, which the
/// Telegram client uses) write <c>+</c> as <c>\u002B</c> and <c>'</c> as <c>\u0027</c>: valid JSON, but a phone
/// number or a quoted locale becomes unreadable. The <c>\uXXXX</c> escapes of printable characters are decoded;
/// everything else (layout, <c>\"</c>, <c>\\</c>, escapes of control and bidi characters) is kept, so what is shown
/// is the same JSON document.
/// </summary>
internal static class ReadableJson
{
    public static string Decode(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal)) return json;
        var text = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c != '\\' || i + 1 >= json.Length)
            {
                text.Append(c);
                continue;
            }
            if (json[i + 1] != 'u' || !TryHex(json, i + 2, out var unit))
            {
                text.Append(c).Append(json[i + 1]); // \" \\ \n ...: an escape that is not ours to change
                i++;
                continue;
            }
            if (char.IsHighSurrogate(unit) && i + 11 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u'
                && TryHex(json, i + 8, out var low) && char.IsLowSurrogate(low))
            {
                text.Append(unit).Append(low);
                i += 11;
            }
            else if (IsPlain(unit))
            {
                text.Append(unit);
                i += 5;
            }
            else
            {
                text.Append(json, i, 6);
                i += 5;
            }
        }
        return text.ToString();
    }

    /// <summary>A character that reads the same decoded: not a quote or backslash (they would end or start an
    /// escape), not a control or bidi character, not half of a surrogate pair.</summary>
    private static bool IsPlain(char c) => c is not ('"' or '\\') && !char.IsSurrogate(c) && !TerminalText.IsControlOrBidi(c);

    private static bool TryHex(string text, int start, out char value)
    {
        value = '\0';
        if (start + 4 > text.Length) return false;
        if (!ushort.TryParse(text.AsSpan(start, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code)) return false;
        value = (char)code;
        return true;
    }
}
