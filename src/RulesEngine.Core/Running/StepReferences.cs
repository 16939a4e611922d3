namespace RulesEngine.Core.Running;

/// <summary>
/// Which steps a C# condition reads: the identifiers in its code that name a step (step ids are C# identifiers,
/// checked when the flow loads).
/// </summary>
/// <remarks>
/// A lexical scan rather than Roslyn (not even its <c>SyntaxFacts</c>): the compiled set of a flow usually comes from
/// the disk cache, which binds without loading Roslyn at all, and asking Roslyn here would load it on every start
/// just to learn names. Text in
/// string and character literals and in comments is not code; a name after <c>.</c> or <c>?.</c> is a member
/// (<c>Row.update</c>), not a step; the holes of an interpolated string are code.
/// </remarks>
internal static class StepReferences
{
    /// <summary>The ids among <paramref name="stepIds"/> that <paramref name="code"/> names.</summary>
    public static IReadOnlySet<string> In(string code, IEnumerable<string> stepIds)
    {
        var ids = stepIds.ToHashSet(StringComparer.Ordinal);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var identifier in Identifiers(code))
            if (ids.Contains(identifier)) found.Add(identifier);
        return found;
    }

    /// <summary>The identifiers of <paramref name="code"/> that are not member names (value text, without '@').</summary>
    public static IEnumerable<string> Identifiers(string code)
    {
        var names = new List<string>();
        Scan(code, 0, code.Length, names);
        return names;
    }

    private static void Scan(string code, int start, int end, List<string> names)
    {
        var afterDot = false;
        var i = start;
        while (i < end)
        {
            var c = code[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '/' && i + 1 < end && code[i + 1] == '/')
            {
                while (i < end && code[i] != '\n') i++;
                continue;
            }
            if (c == '/' && i + 1 < end && code[i + 1] == '*')
            {
                var close = code.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 || close >= end ? end : close + 2;
                continue;
            }
            if (c is '"' or '\'' or '$' or '@' && StringLiteral(code, i, end, names) is { } after)
            {
                i = after;
                afterDot = false;
                continue;
            }
            if (c == '@' || IsIdentifierStart(c))
            {
                var from = c == '@' ? i + 1 : i;
                var to = from;
                while (to < end && IsIdentifierPart(code[to])) to++;
                if (to > from && !afterDot) names.Add(code[from..to]);
                i = Math.Max(to, i + 1);
                afterDot = false;
                continue;
            }
            if (char.IsDigit(c))
            {
                while (i < end && (char.IsLetterOrDigit(code[i]) || code[i] is '_' or '.')) i++;
                afterDot = false;
                continue;
            }
            afterDot = c == '.';
            i++;
        }
    }

    /// <summary>Skips a string or character literal starting at <paramref name="i"/> (scanning the holes of an
    /// interpolated one as code); returns the index after it, or null when no literal starts there.</summary>
    private static int? StringLiteral(string code, int i, int end, List<string> names)
    {
        var prefix = i;
        var interpolated = false;
        var verbatim = false;
        while (prefix < end && code[prefix] is '$' or '@')
        {
            interpolated |= code[prefix] == '$';
            verbatim |= code[prefix] == '@';
            prefix++;
        }
        if (prefix >= end) return null;
        if (code[prefix] == '\'' && prefix == i)
        {
            var j = prefix + 1;
            while (j < end && code[j] != '\'') j += code[j] == '\\' ? 2 : 1;
            return Math.Min(j + 1, end);
        }
        if (code[prefix] != '"') return null;
        var quotes = 0;
        while (prefix + quotes < end && code[prefix + quotes] == '"') quotes++;
        if (quotes >= 3) return RawLiteral(code, prefix, quotes, end, interpolated, names);
        if (quotes == 2 && !verbatim) return prefix + 2; // ""
        var k = prefix + 1;
        while (k < end)
        {
            var c = code[k];
            if (verbatim && c == '"' && k + 1 < end && code[k + 1] == '"') k += 2;
            else if (!verbatim && c == '\\') k += 2;
            else if (c == '"') return k + 1;
            else if (interpolated && c == '{' && k + 1 < end && code[k + 1] == '{') k += 2;
            else if (interpolated && c == '{') k = Hole(code, k + 1, end, names);
            else k++;
        }
        return end;
    }

    private static int RawLiteral(string code, int open, int quotes, int end, bool interpolated, List<string> names)
    {
        var delimiter = new string('"', quotes);
        var k = open + quotes;
        while (k < end)
        {
            if (string.CompareOrdinal(code, k, delimiter, 0, quotes) == 0) return k + quotes;
            k = interpolated && code[k] == '{' ? Hole(code, k + 1, end, names) : k + 1;
        }
        return end;
    }

    /// <summary>Scans an interpolation hole as code up to its closing brace (nested braces balanced); returns the
    /// index after the brace.</summary>
    private static int Hole(string code, int start, int end, List<string> names)
    {
        var depth = 0;
        var k = start;
        var skipped = new List<string>(); // literals inside the hole are scanned again with it below
        while (k < end)
        {
            var c = code[k];
            if (c is '"' or '\'' or '$' or '@' && StringLiteral(code, k, end, skipped) is { } after)
            {
                k = after;
                continue;
            }
            if (c == '{') depth++;
            else if (c == '}' && depth-- == 0) break;
            k++;
        }
        Scan(code, start, k, names);
        return Math.Min(k + 1, end);
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_';
}
