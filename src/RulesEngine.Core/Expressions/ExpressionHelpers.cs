using System.Globalization;
using System.Text.RegularExpressions;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Helpers every condition and template can use on a cell's text (fields are strings, exactly as the sheet
/// shows them): <c>Amount.AsNumber() &gt; 100</c>, <c>Due.AsDate("dd.MM.yyyy") &lt; Run.StartedAt.Date</c>,
/// <c>Email.IsEmail()</c>, <c>Plan.In("pro", "team")</c>, <c>Country.EqualsIgnoreCase("de")</c>. The same typed
/// reads exist on the row by field name, in the row's culture: <c>Row.AsNumber("Amount")</c>.
/// Comparisons here are ordinal (culture-safe: the same on every machine), and every regex runs with a timeout.
/// </summary>
internal static partial class ExpressionHelpers
{
    /// <summary>How long <see cref="Matches(string?, string, bool)"/> may run before it throws.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>True when the text is empty or only whitespace (a blank cell).</summary>
    public static bool IsEmpty(this string? value) => string.IsNullOrWhiteSpace(value);

    /// <summary>
    /// The cell as a number, or null when it is blank. Accepts what spreadsheets show: group separators,
    /// a currency symbol, a trailing % (12% is 0.12), a leading + or -. <paramref name="culture"/> is a name such
    /// as "de-DE" (then "1.234,5" is 1234.5); default invariant ("1,234.5").
    /// </summary>
    /// <exception cref="FormatException">The text is not a number (the row fails with this message).</exception>
    public static decimal? AsNumber(this string? value, string? culture = null) => ParseNumber(value, Culture(culture));

    /// <summary>True when <see cref="AsNumber"/> would return a number (blank is not a number).</summary>
    public static bool IsNumber(this string? value, string? culture = null) =>
        !string.IsNullOrWhiteSpace(value) && TryParseNumber(value, Culture(culture), out _);

    /// <summary>
    /// The cell as a date (and time), or null when it is blank. With <paramref name="format"/> (e.g.
    /// "dd.MM.yyyy") the text must match it exactly; without, ISO 8601 ("2025-01-31", "2025-01-31T10:00")
    /// is always understood, then the culture's usual formats.
    /// </summary>
    /// <exception cref="FormatException">The text is not a date in that format or culture.</exception>
    public static DateTime? AsDate(this string? value, string? format = null, string? culture = null) =>
        ParseDate(value, format, Culture(culture));

    /// <summary>True when <see cref="AsDate"/> would return a date.</summary>
    public static bool IsDate(this string? value, string? format = null, string? culture = null)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        try
        {
            return ParseDate(value, format, Culture(culture)) is not null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// The cell as a yes/no: true for TRUE, yes, y, 1, on, x, ✓ (a ticked checkbox); false for FALSE, no, n, 0,
    /// off and a blank cell; any case.
    /// </summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static bool AsBool(this string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) return false;
        foreach (var yes in TrueWords) if (text.Equals(yes, StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var no in FalseWords) if (text.Equals(no, StringComparison.OrdinalIgnoreCase)) return false;
        throw new FormatException($"'{Shorten(text)}' is not a yes/no value (true/false, yes/no, 1/0, x)");
    }

    /// <summary>A plausible e-mail address: one @, no spaces, a dot in the domain. It does not prove the
    /// mailbox exists.</summary>
    public static bool IsEmail(this string? value) => value is not null && EmailPattern().IsMatch(value.Trim());

    /// <summary>A plausible phone number: 7 to 15 digits (E.164), optionally a leading +, with spaces, dots,
    /// dashes, slashes and parentheses between them.</summary>
    public static bool IsPhone(this string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0) return false;
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c)) digits++;
            else if (c == '+' && i == 0) continue;
            else if (c is not (' ' or '-' or '.' or '/' or '(' or ')')) return false;
        }
        return digits is >= 7 and <= 15;
    }

    /// <summary>Whether the text matches a .NET regular expression (culture-invariant; with
    /// <paramref name="ignoreCase"/>, case-insensitive). Runs with <see cref="MatchTimeout"/>; a pattern that runs
    /// longer fails the row rather than hanging it. A blank cell is matched as "".</summary>
    public static bool Matches(this string? value, string pattern, bool ignoreCase = false) =>
        Regex.IsMatch(value ?? "", pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);

    /// <summary>True when the value equals one of <paramref name="values"/> (strings compare ordinally).
    /// <c>Plan.In("pro", "team")</c>, <c>update.Result.In(0, 1)</c>.</summary>
    public static bool In<T>(this T value, params ReadOnlySpan<T> values)
    {
        var comparer = EqualityComparer<T>.Default;
        foreach (var candidate in values) if (comparer.Equals(value, candidate)) return true;
        return false;
    }

    /// <summary>Like <see cref="In{T}"/>, ignoring case (ordinal, so the same on every machine).</summary>
    public static bool InIgnoreCase(this string? value, params ReadOnlySpan<string?> values)
    {
        foreach (var candidate in values) if (string.Equals(value, candidate, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Equal ignoring case, the same on every machine and culture (ordinal: "i" and "I" match even in
    /// Turkish). A blank or missing value equals "".</summary>
    public static bool EqualsIgnoreCase(this string? value, string? other) =>
        string.Equals(value ?? "", other ?? "", StringComparison.OrdinalIgnoreCase);

    /// <summary>Contains <paramref name="part"/>, ignoring case (ordinal).</summary>
    public static bool ContainsIgnoreCase(this string? value, string part) =>
        (value ?? "").Contains(part, StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts with <paramref name="prefix"/>, ignoring case (ordinal).</summary>
    public static bool StartsWithIgnoreCase(this string? value, string prefix) =>
        (value ?? "").StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Ends with <paramref name="suffix"/>, ignoring case (ordinal): <c>Email.EndsWithIgnoreCase("@acme.com")</c>.</summary>
    public static bool EndsWithIgnoreCase(this string? value, string suffix) =>
        (value ?? "").EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    private static readonly string[] TrueWords = ["true", "yes", "y", "1", "on", "x", "✓", "✔"];
    private static readonly string[] FalseWords = ["false", "no", "n", "0", "off"];

    [GeneratedRegex(@"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailPattern();

    internal static CultureInfo Culture(string? name)
    {
        if (string.IsNullOrEmpty(name)) return CultureInfo.InvariantCulture;
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            throw new FormatException($"'{name}' is not a culture name (such as \"en-US\" or \"de-DE\")");
        }
    }

    internal static decimal? ParseNumber(string? value, CultureInfo culture)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        return TryParseNumber(value, culture, out var number)
            ? number
            : throw new FormatException($"'{Shorten(value.Trim())}' is not a number{(culture.Name.Length > 0 ? $" in {culture.Name}" : "")}");
    }

    private static bool TryParseNumber(string value, CultureInfo culture, out decimal number)
    {
        var text = value.Trim();
        var percent = text.EndsWith('%');
        if (percent) text = text[..^1].TrimEnd();
        // Sheets and people group digits with (narrow) no-break spaces as well as plain ones.
        if (culture.NumberFormat.NumberGroupSeparator.Trim().Length == 0)
            text = text.Replace(" ", "", StringComparison.Ordinal).Replace("\u00A0", "", StringComparison.Ordinal).Replace("\u202F", "", StringComparison.Ordinal);
        const NumberStyles styles = NumberStyles.Number | NumberStyles.AllowCurrencySymbol | NumberStyles.AllowExponent;
        if (!decimal.TryParse(text, styles, culture, out number)) return false;
        if (percent) number /= 100;
        return true;
    }

    internal static DateTime? ParseDate(string? value, string? format, CultureInfo culture)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value.Trim();
        const DateTimeStyles styles = DateTimeStyles.AllowWhiteSpaces;
        if (format is not null)
        {
            return DateTime.TryParseExact(text, format, culture, styles, out var exact)
                ? exact
                : throw new FormatException($"'{Shorten(text)}' is not a date in the format {format}");
        }
        if (DateTime.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, styles, out var iso)) return iso;
        return DateTime.TryParse(text, culture, styles, out var parsed)
            ? parsed
            : throw new FormatException($"'{Shorten(text)}' is not a date{(culture.Name.Length > 0 ? $" in {culture.Name}" : "")}");
    }

    private static readonly string[] IsoFormats =
        ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
