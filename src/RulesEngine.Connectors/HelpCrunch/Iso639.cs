namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// The ISO 639-1 two-letter language codes. HelpCrunch documents <c>locale</c> as ISO 639-1 only, so a regional
/// form such as <c>en-US</c> is rejected here (with a hint) rather than by the service.
/// </summary>
internal static class Iso639
{
    // The 183 current codes plus "bh" (withdrawn in 2021; kept so older data still passes).
    private static readonly HashSet<string> Codes = new(StringComparer.Ordinal)
    {
        "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az",
        "ba", "be", "bg", "bh", "bi", "bm", "bn", "bo", "br", "bs",
        "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy",
        "da", "de", "dv", "dz",
        "ee", "el", "en", "eo", "es", "et", "eu",
        "fa", "ff", "fi", "fj", "fo", "fr", "fy",
        "ga", "gd", "gl", "gn", "gu", "gv",
        "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
        "ia", "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu",
        "ja", "jv",
        "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky",
        "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv",
        "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my",
        "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny",
        "oc", "oj", "om", "or", "os",
        "pa", "pi", "pl", "ps", "pt",
        "qu",
        "rm", "rn", "ro", "ru", "rw",
        "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw",
        "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty",
        "ug", "uk", "ur", "uz",
        "ve", "vi", "vo",
        "wa", "wo",
        "xh",
        "yi", "yo",
        "za", "zh", "zu",
    };

    public static bool IsCode(string value) => Codes.Contains(value);

    /// <summary>
    /// The code to send for <paramref name="value"/> (lower-cased, so a sheet's "EN" passes), or null with a reason
    /// when it is not an ISO 639-1 code.
    /// </summary>
    public static string? Normalize(string value, out string problem)
    {
        problem = "";
        var code = value.Trim().ToLowerInvariant();
        if (Codes.Contains(code)) return code;
        var hint = "";
        var dash = code.IndexOfAny(['-', '_']);
        if (dash == 2 && Codes.Contains(code[..2])) hint = $"; did you mean '{code[..2]}'?";
        problem = $"locale '{value}' is not an ISO 639-1 language code (two letters, e.g. en, uk){hint}";
        return null;
    }
}
