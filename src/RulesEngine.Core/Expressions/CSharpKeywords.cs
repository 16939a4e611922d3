namespace RulesEngine.Core.Expressions;

/// <summary>
/// C#'s reserved keywords, without Roslyn: the flow loader checks step ids with it on every start, and a start
/// whose expressions come from the cache must not load Roslyn for that.
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
}
