using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Builds, for every condition, an explaining twin: the same code with each part wrapped in
/// <c>ExpressionRuntime.Record(__explain, i, part)</c>, so one evaluation yields the value and the values of its
/// parts. Parts are the operands of <c>&amp;&amp;</c>, <c>||</c>, <c>!</c> and comparisons, the receivers and
/// arguments of calls and the subject of <c>is</c>, outside lambdas; constants, types and anything whose wrapping
/// could change the meaning (target-typed values, ref structs, pattern or <c>out</c> variables) are left alone.
/// Runs after validation, on trusted syntax only; the twins are compiled in a second compilation of their own, on the
/// first explanation a set is asked for (<see cref="ExpressionEmitter.CompileTwins"/>), so loading flows never pays
/// for them.
/// </summary>
internal static class ExplainRewriter
{
    private const string Kind = "rulesengine-explain";
    private const string Runtime = "global::RulesEngine.Core.Expressions.ExpressionRuntime";
    private const int MaxParts = 64;

    /// <summary>The parts of one condition, found with the semantic model of the untouched tree.</summary>
    public sealed record Marks(int Method, int Entry, IReadOnlyList<ExpressionSyntax> Nodes, IReadOnlyList<string?> Types)
    {
        public IReadOnlyList<string> Texts => Nodes.Select(n => n.ToString().Trim()).ToList();
    }

    public static Marks Mark(SemanticModel model, int method, int entry, ExpressionSyntax condition)
    {
        var nodes = new List<ExpressionSyntax>();
        Walk(model, condition, record: false, nodes);
        // Naming the type argument spares the compiler a type inference per part (it doubled the compile time).
        var types = nodes.Select(n => model.GetTypeInfo(n).Type is { } t && Nameable(t) ? t.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : null).ToList();
        return new Marks(method, entry, nodes, types);
    }

    /// <summary>The annotation that makes a node part <paramref name="index"/> of its condition's twin, recorded as
    /// <paramref name="type"/> (null: inferred).</summary>
    public static SyntaxAnnotation Annotation(int index, string? type) =>
        new(Kind, index.ToString(CultureInfo.InvariantCulture) + (type is null ? "" : "|" + type));

    private static bool Nameable(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol { IsAnonymousType: true } or IErrorTypeSymbol or ITypeParameterSymbol => false,
        INamedTypeSymbol named => named.TypeArguments.All(Nameable),
        IArrayTypeSymbol array => Nameable(array.ElementType),
        _ => false,
    };

    /// <summary>Replaces the generated class's methods with the twins <c>X{n}</c> of the marked ones, and its table
    /// with the table of the twins' delegates (<c>ExplainTable.All</c>, in the order of <paramref name="marks"/>):
    /// the twins' assembly holds nothing else.</summary>
    public static SyntaxNode ToTwins(SyntaxNode root, IReadOnlyList<Marks> marks)
    {
        var generated = root.DescendantNodes().OfType<ClassDeclarationSyntax>().First(c => c.Identifier.ValueText == "Expressions");
        var methods = generated.Members.OfType<MethodDeclarationSyntax>().ToDictionary(m => m.Identifier.ValueText, StringComparer.Ordinal);
        var twins = new List<MemberDeclarationSyntax>(marks.Count);
        var table = new System.Text.StringBuilder("public static class ExplainTable\n{\npublic static readonly object[] All = new object[]\n{\n");
        foreach (var mark in marks)
        {
            var method = methods["E" + mark.Method.ToString(CultureInfo.InvariantCulture)];
            var body = (BlockSyntax)new RecordRewriter().Visit(method.Body!)!;
            var explain = SyntaxFactory.Parameter(SyntaxFactory.Identifier("__explain")).WithType(SyntaxFactory.ParseTypeName("object[] "));
            twins.Add(method
                .WithIdentifier(SyntaxFactory.Identifier("X" + mark.Method.ToString(CultureInfo.InvariantCulture)))
                .WithParameterList(method.ParameterList.AddParameters(explain))
                .WithBody(body));
            table.Append("new global::System.Func<").Append(GeneratedSource.ScopeType).Append(", object[], bool>(Expressions.X")
                .Append(mark.Method.ToString(CultureInfo.InvariantCulture)).Append("),\n");
        }
        table.Append("};\n}\n");
        var ns = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().First();
        return root.ReplaceNode(ns, ns.WithMembers(SyntaxFactory.List<MemberDeclarationSyntax>(
            [generated.WithMembers(SyntaxFactory.List(twins)), SyntaxFactory.ParseMemberDeclaration(table.ToString())!])));
    }

    /// <summary>The method number <c>n</c> of the twin <c>X{n}</c> that holds <paramref name="node"/> (where a compile
    /// error sits), or null when the node is not in a twin.</summary>
    public static int? TwinOf(SyntaxNode? node) =>
        node?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault() is { } method
        && method.Identifier.ValueText is ['X', .. var digits]
        && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    private static void Walk(SemanticModel model, ExpressionSyntax expression, bool record, List<ExpressionSyntax> nodes)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized) expression = parenthesized.Expression;
        if (nodes.Count >= MaxParts) return;
        if (record && Recordable(model, expression)) nodes.Add(expression);
        switch (expression)
        {
            case BinaryExpressionSyntax binary when IsExplained(binary.Kind()):
                Walk(model, binary.Left, true, nodes);
                Walk(model, binary.Right, true, nodes);
                break;
            case PrefixUnaryExpressionSyntax unary when unary.IsKind(SyntaxKind.LogicalNotExpression):
                Walk(model, unary.Operand, true, nodes);
                break;
            case IsPatternExpressionSyntax pattern:
                Walk(model, pattern.Expression, true, nodes);
                break;
            case InvocationExpressionSyntax invocation:
                if (invocation.Expression is MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.SimpleMemberAccessExpression } member)
                    Walk(model, member.Expression, true, nodes);
                foreach (var argument in invocation.ArgumentList.Arguments)
                {
                    if (argument.RefKindKeyword.IsKind(SyntaxKind.None)) Walk(model, argument.Expression, true, nodes);
                }
                break;
        }
    }

    private static bool IsExplained(SyntaxKind kind) => kind is SyntaxKind.LogicalAndExpression or SyntaxKind.LogicalOrExpression
        or SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression or SyntaxKind.LessThanExpression
        or SyntaxKind.LessThanOrEqualExpression or SyntaxKind.GreaterThanExpression or SyntaxKind.GreaterThanOrEqualExpression
        or SyntaxKind.CoalesceExpression;

    /// <summary>Whether wrapping the node in a generic call keeps the code's meaning.</summary>
    private static bool Recordable(SemanticModel model, ExpressionSyntax expression)
    {
        if (expression is LambdaExpressionSyntax or AnonymousMethodExpressionSyntax or ThrowExpressionSyntax) return false;
        if (model.GetConstantValue(expression).HasValue) return false;
        if (model.GetSymbolInfo(expression).Symbol is INamespaceOrTypeSymbol) return false;
        // definite assignment of out and pattern variables does not flow through a call
        if (expression.DescendantNodesAndSelf().Any(n => n is DeclarationExpressionSyntax or SingleVariableDesignationSyntax)) return false;
        var info = model.GetTypeInfo(expression);
        if (info.Type is not { } type || type is IErrorTypeSymbol or IPointerTypeSymbol or IFunctionPointerTypeSymbol
            || type.IsRefLikeType || type.SpecialType == SpecialType.System_Void || type.TypeKind == TypeKind.Dynamic)
            return false;
        if (info.ConvertedType is { } converted && !SymbolEqualityComparer.Default.Equals(type, converted))
        {
            var conversion = model.GetConversion(expression);
            if (!conversion.IsImplicit || conversion.IsUserDefined
                || !(conversion.IsNumeric || conversion.IsNullable || conversion.IsReference || conversion.IsBoxing))
                return false;
        }
        return true;
    }

    private sealed class RecordRewriter : CSharpSyntaxRewriter
    {
        // the callee per recorded type, parsed once: parsing one per part cost most of the twins' time
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, ExpressionSyntax> Callees = new(StringComparer.Ordinal);
        private static readonly ArgumentSyntax Values = SyntaxFactory.Argument(SyntaxFactory.IdentifierName("__explain"));

        public override SyntaxNode? Visit(SyntaxNode? node)
        {
            var visited = base.Visit(node);
            if (node is null || visited is not ExpressionSyntax expression || !node.HasAnnotations(Kind)) return visited;
            var data = node.GetAnnotations(Kind).First().Data!;
            var bar = data.IndexOf('|', StringComparison.Ordinal);
            var type = bar < 0 ? "" : data[(bar + 1)..];
            var index = int.Parse(bar < 0 ? data : data[..bar], CultureInfo.InvariantCulture);
            var callee = Callees.GetOrAdd(type, t => SyntaxFactory.ParseExpression(t.Length == 0 ? $"{Runtime}.Record" : $"{Runtime}.Record<{t}>"));
            return SyntaxFactory.InvocationExpression(callee, SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(
                [
                    Values,
                    SyntaxFactory.Argument(SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(index))),
                    SyntaxFactory.Argument(expression.WithoutTrivia()),
                ]))).WithTriviaFrom(expression);
        }
    }
}
