using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RulesEngine.Core.Expressions;

/// <summary>A problem at <paramref name="Offset"/> of an expression's or template's decoded text.</summary>
internal sealed record ExpressionProblem(int Offset, string Code, string Message);

/// <summary>Diagnostic codes of our own, beside Roslyn's CSxxxx.</summary>
internal static class ExpressionCodes
{
    /// <summary>The text is not exactly one C# expression (empty, trailing code, an attempt to close the slot).</summary>
    public const string NotOneExpression = "RE0101";

    /// <summary>The expression uses something outside the allow-list.</summary>
    public const string Forbidden = "RE0102";

    /// <summary>The expression names a step that runs after it.</summary>
    public const string LaterStep = "RE0103";

    /// <summary>A template's braces do not balance, or a placeholder is empty.</summary>
    public const string TemplateSyntax = "RE0104";

    /// <summary>The expression is longer or nests deeper than <see cref="ExpressionLimits"/> allow.</summary>
    public const string TooComplex = "RE0105";
}

/// <summary>
/// The first check of one piece of user C#, on its own text: it must parse as exactly one expression. Also
/// yields the identifiers it mentions, so the generated method declares only the locals it needs.
/// </summary>
internal static class ExpressionText
{
    public static (IReadOnlySet<string> Identifiers, IReadOnlyList<ExpressionProblem> Problems) Check(string code, string what)
    {
        var problems = new List<ExpressionProblem>();
        if (code.Trim().Length == 0)
        {
            problems.Add(new ExpressionProblem(0, ExpressionCodes.NotOneExpression, $"the {what} is empty"));
            return (new HashSet<string>(), problems);
        }
        if (TooManyTokens(code, what) is { } tooLong)
        {
            problems.Add(tooLong);
            return (new HashSet<string>(), problems);
        }
        var expression = SyntaxFactory.ParseExpression(code, options: GeneratedAssembly.ParseOptions, consumeFullText: false);
        if (TooDeep(expression, what) is { } tooDeep)
        {
            problems.Add(tooDeep);
            return (new HashSet<string>(), problems);
        }
        foreach (var diagnostic in expression.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            problems.Add(new ExpressionProblem(
                diagnostic.Location.SourceSpan.Start, diagnostic.Id, diagnostic.GetMessage(CultureInfo.InvariantCulture)));
        }
        if (problems.Count == 0)
        {
            var rest = expression.FullSpan.End;
            while (rest < code.Length && char.IsWhiteSpace(code[rest])) rest++;
            if (rest < code.Length)
            {
                problems.Add(new ExpressionProblem(rest, ExpressionCodes.NotOneExpression,
                    $"the {what} must be exactly one C# expression, but code follows it here: `{Excerpt(code, rest)}`"));
            }
        }
        var identifiers = expression.DescendantTokens()
            .Where(t => t.IsKind(SyntaxKind.IdentifierToken))
            .Select(t => t.ValueText)
            .ToHashSet(StringComparer.Ordinal);
        return (identifiers, problems);
    }

    /// <summary>More than <see cref="ExpressionLimits.MaxTokens"/> tokens: an error at the first one past the limit.
    /// The lexer does not recurse, so this is safe on any text.</summary>
    private static ExpressionProblem? TooManyTokens(string code, string what)
    {
        var count = 0;
        foreach (var token in SyntaxFactory.ParseTokens(code, options: GeneratedAssembly.ParseOptions))
        {
            if (token.IsKind(SyntaxKind.EndOfFileToken)) break;
            if (++count > ExpressionLimits.MaxTokens)
            {
                return new ExpressionProblem(token.SpanStart, ExpressionCodes.TooComplex,
                    $"the {what} is longer than {ExpressionLimits.MaxTokens:N0} tokens (the limit) from here on; split it across If blocks, or use In(...) for a long list of alternatives");
            }
        }
        return null;
    }

    /// <summary>A syntax tree deeper than <see cref="ExpressionLimits.MaxDepth"/>: an error at the outermost node
    /// past the limit. Walked with an explicit stack, so measuring cannot overflow what it measures.</summary>
    private static ExpressionProblem? TooDeep(SyntaxNode root, string what)
    {
        var pending = new Stack<(SyntaxNode Node, int Depth)>();
        pending.Push((root, 1));
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (depth > ExpressionLimits.MaxDepth)
            {
                // a chain such as a || b || c nests to the left, so every link starts where the chain does: point at its operator
                var at = node is BinaryExpressionSyntax binary ? binary.OperatorToken.SpanStart : node.SpanStart;
                return new ExpressionProblem(at, ExpressionCodes.TooComplex,
                    $"the {what} nests deeper than {ExpressionLimits.MaxDepth} levels (the limit) here; split it across If blocks, or use In(...) instead of a long chain of || or &&");
            }
            foreach (var child in node.ChildNodes()) pending.Push((child, depth + 1));
        }
        return null;
    }

    private static string Excerpt(string code, int start)
    {
        var text = code[start..].ReplaceLineEndings(" ");
        return text.Length <= 30 ? text : text[..30] + "...";
    }
}
