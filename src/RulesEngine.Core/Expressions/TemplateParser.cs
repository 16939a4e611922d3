using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Splits a template into literal text, field reads and C# placeholders. <c>{{</c> and <c>}}</c> are literal
/// braces; a placeholder ends at the first '}' that closes it, found with the C# lexer so braces inside nested
/// blocks, strings, chars, interpolated strings and comments do not count.
/// </summary>
internal static class TemplateParser
{
    internal abstract record Part;

    internal sealed record LiteralPart(string Text) : Part;

    internal sealed record FieldPart(string Field) : Part;

    /// <summary>C# code; <paramref name="Offset"/> is where it starts in the template text.</summary>
    internal sealed record CodePart(string Code, int Offset) : Part;

    /// <summary>A problem at <paramref name="Offset"/> in the template text.</summary>
    internal sealed record Problem(int Offset, string Message);

    public static (IReadOnlyList<Part> Parts, IReadOnlyList<Problem> Problems) Parse(string text, Func<string, bool> isField)
    {
        var parts = new List<Part>();
        var problems = new List<Problem>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '{' && At(text, i + 1, '{') || c == '}' && At(text, i + 1, '}'))
            {
                literal.Append(c);
                i += 2;
            }
            else if (c == '}')
            {
                problems.Add(new Problem(i, "'}' closes no placeholder (write '}}' for a literal brace)"));
                i++;
            }
            else if (c == '{')
            {
                var close = FindClose(text, i + 1);
                if (close < 0)
                {
                    problems.Add(new Problem(i, "the placeholder opened here is never closed (write '{{' for a literal brace)"));
                    break;
                }
                if (literal.Length > 0) parts.Add(new LiteralPart(literal.ToString()));
                literal.Clear();
                var content = text[(i + 1)..close];
                if (content.Trim().Length == 0) problems.Add(new Problem(i, "the placeholder is empty"));
                else if (isField(content)) parts.Add(new FieldPart(content));
                else if (isField(content.Trim())) parts.Add(new FieldPart(content.Trim()));
                else parts.Add(new CodePart(content, i + 1));
                i = close + 1;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }
        if (literal.Length > 0) parts.Add(new LiteralPart(literal.ToString()));
        return (parts, problems);
    }

    private static bool At(string text, int index, char c) => index < text.Length && text[index] == c;

    /// <summary>The index of the '}' that closes a placeholder whose content starts at <paramref name="start"/>,
    /// or -1 when there is none.</summary>
    private static int FindClose(string text, int start)
    {
        var depth = 0;
        foreach (var token in SyntaxFactory.ParseTokens(text, offset: start, initialTokenPosition: start))
        {
            if (token.IsKind(SyntaxKind.EndOfFileToken)) return -1;
            if (token.IsKind(SyntaxKind.OpenBraceToken)) depth++;
            else if (token.IsKind(SyntaxKind.CloseBraceToken) && depth-- == 0) return token.SpanStart;
        }
        return -1;
    }
}
