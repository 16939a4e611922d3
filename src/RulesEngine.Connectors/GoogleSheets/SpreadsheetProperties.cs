using System.Globalization;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// What <c>spreadsheets.get?fields=properties(locale,timeZone)</c> tells about a spreadsheet: the locale its cells are
/// formatted in (Google's form, "de_DE"; formatted values such as "1.234,5" follow it) and its time zone.
/// </summary>
public sealed record SpreadsheetProperties(string Locale, string TimeZone)
{
    // Google (like Java) still writes some languages with their withdrawn ISO 639 codes.
    private static readonly Dictionary<string, string> RenamedLanguages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["iw"] = "he", ["in"] = "id", ["ji"] = "yi",
    };

    /// <summary>
    /// <see cref="Locale"/> as a .NET culture name ("de_DE" -> "de-DE", "es_419" -> "es-419", "iw_IL" -> "he-IL"); the
    /// language alone when .NET does not know the region, and "" when it does not know the language either (then typed
    /// reads use the invariant culture).
    /// </summary>
    public string CultureName => ToCultureName(Locale);

    internal static string ToCultureName(string? locale)
    {
        var parts = (locale ?? "").Trim().Replace('_', '-').Split('-', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return "";
        if (RenamedLanguages.TryGetValue(parts[0], out var language)) parts[0] = language;
        var full = string.Join('-', parts);
        return IsKnown(full) ? CultureInfo.GetCultureInfo(full).Name
            : IsKnown(parts[0]) ? CultureInfo.GetCultureInfo(parts[0]).Name
            : "";
    }

    private static bool IsKnown(string name)
    {
        try
        {
            return CultureInfo.GetCultureInfo(name, predefinedOnly: true) is { Name.Length: > 0 };
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }
}
