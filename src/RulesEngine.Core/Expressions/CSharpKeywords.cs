using System.Globalization;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// C#'s reserved keywords and identifier characters, without Roslyn: the flow loader checks step ids and names
/// columns with them on every start, and a start whose expressions come from the cache must not load Roslyn (two
/// assemblies, several MB resident and tens of ms of start-up) for that. Each answer is Roslyn's own
/// (<c>SyntaxFacts</c>), checked over every UTF-16 code unit and random names by <c>CSharpKeywordsTests</c>.
/// </summary>
internal static class CSharpKeywords
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while", "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    /// <summary>True for a reserved keyword (which needs '@' to be used as a name); contextual keywords such as
    /// <c>var</c> or <c>when</c> are ordinary names.</summary>
    public static bool IsReserved(string word) => Reserved.Contains(word);

    /// <summary>What <c>SyntaxFacts.IsValidIdentifier</c> says: a start character, then part characters.</summary>
    public static bool IsValidIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || !IsIdentifierStart(name[0])) return false;
        for (var i = 1; i < name.Length; i++)
            if (!IsIdentifierPart(name[i])) return false;
        return true;
    }

    /// <summary>What <c>SyntaxFacts.IsIdentifierStartCharacter</c> says: a letter (or letter number) or '_'.</summary>
    public static bool IsIdentifierStart(char c) =>
        c < 128 ? char.IsAsciiLetter(c) || c == '_' : IsLetter(CharUnicodeInfo.GetUnicodeCategory(c));

    /// <summary>What <c>SyntaxFacts.IsIdentifierPartCharacter</c> says: a letter, digit, connector, combining or
    /// formatting character.</summary>
    public static bool IsIdentifierPart(char c)
    {
        if (c < 128) return char.IsAsciiLetterOrDigit(c) || c == '_';
        var category = CharUnicodeInfo.GetUnicodeCategory(c);
        return IsLetter(category) || category is UnicodeCategory.DecimalDigitNumber or UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.Format;
    }

    private static bool IsLetter(UnicodeCategory category) =>
        category is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.LetterNumber;
}
