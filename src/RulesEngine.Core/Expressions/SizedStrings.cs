using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Replaces, in generated code, the string operations whose result can be many times larger than their inputs
/// (<c>Email.Replace("a", Email)</c>, <c>Regex.Replace(Notes, "", Notes)</c>, <c>string.Join(Email, Email.ToCharArray())</c>:
/// 50,000-character cells make 2.5 billion characters in one call, between two checks of the memory budget). Each
/// computes or bounds the result's length first (or stops building once it is past the limit) and fails the
/// evaluation past <see cref="MaxLength"/> characters; below it, the result is the framework's own.
/// </summary>
internal static class SizedStrings
{
    /// <summary>The longest string one of these operations may build: 16 million characters (32 MB).</summary>
    public const int MaxLength = 16_000_000;

    public static string Replace(string s, string oldValue, string? newValue)
    {
        Bound(s, oldValue, newValue, StringComparison.Ordinal);
        return s.Replace(oldValue, newValue);
    }

    public static string Replace(string s, string oldValue, string? newValue, StringComparison comparisonType)
    {
        Bound(s, oldValue, newValue, comparisonType);
        return s.Replace(oldValue, newValue, comparisonType);
    }

    public static string Replace(string s, string oldValue, string? newValue, bool ignoreCase, CultureInfo? culture)
    {
        Bound(s, oldValue, newValue, ignoreCase ? StringComparison.CurrentCultureIgnoreCase : StringComparison.CurrentCulture);
        return s.Replace(oldValue, newValue, ignoreCase, culture);
    }

    public static string RegexReplace(string input, string pattern, string replacement) =>
        RegexReplace(input, pattern, replacement, RegexOptions.None);

    /// <summary>The replacement is made match by match (the same substitutions, <c>Match.Result</c>), counting the
    /// result's length as it grows.</summary>
    public static string RegexReplace(string input, string pattern, string replacement, RegexOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(replacement);
        long length = input.Length;
        return Regex.Replace(input, pattern, match =>
        {
            var piece = match.Result(replacement);
            length += piece.Length - match.Length;
            if (length > MaxLength) throw TooLong("Regex.Replace", length);
            return piece;
        }, options);
    }

    public static string Join(string? separator, string?[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        long length = (long)(separator?.Length ?? 0) * Math.Max(0, value.Length - 1);
        foreach (var item in value) length += item?.Length ?? 0;
        if (length > MaxLength) throw TooLong("string.Join", length);
        return string.Join(separator, value);
    }

    public static string Join(string? separator, object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.Select(v => v?.ToString()).ToArray();
        return Join(separator, texts);
    }

    public static string Join(string? separator, IEnumerable<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Join(separator, values.ToArray());
    }

    public static string Join<T>(string? separator, IEnumerable<T> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Join(separator, values.Select(v => v?.ToString()).ToArray());
    }

    private static void Bound(string s, string oldValue, string? newValue, StringComparison comparison)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (string.IsNullOrEmpty(oldValue) || string.IsNullOrEmpty(newValue) || newValue.Length <= oldValue.Length && comparison == StringComparison.Ordinal)
            return; // the framework throws for an empty oldValue; nothing can grow
        var ordinal = comparison is StringComparison.Ordinal;
        long length = s.Length;
        for (var at = s.IndexOf(oldValue, comparison); at >= 0 && at < s.Length; at = s.IndexOf(oldValue, at + (ordinal ? oldValue.Length : 1), comparison))
        {
            // each match adds at most the replacement (a culture-aware match may be shorter than oldValue)
            length += newValue.Length - (ordinal ? oldValue.Length : 0);
            if (length > MaxLength) throw TooLong("Replace", length);
            if (at + 1 >= s.Length) break;
        }
    }

    private static InsufficientMemoryException TooLong(string operation, long length) =>
        new($"{operation} would build a string of more than {MaxLength:N0} characters (at least {length:N0}); the limit bounds the memory one expression can take");
}
