using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Runs after validation (so user code can never name the runtime): wraps every lambda body and query clause in
/// <c>ExpressionRuntime.Tick(...)</c>, replaces <c>Enumerable.Range</c> with the guarded range, and arms the
/// budget around the body of every generated method that got any of these. Expressions without loops pay nothing.
/// </summary>
internal sealed class BudgetRewriter(int budgetMs) : CSharpSyntaxRewriter
{
    /// <summary>Marks the sequences the validator found passed into LINQ methods: each gets a guard.</summary>
    public static readonly SyntaxAnnotation GuardedValue = new("rulesengine-guard");

    /// <summary>The kind of the annotations that mark a call to replace with its <see cref="SizedStrings"/> twin (the data names it).</summary>
    public const string SizedKind = "rulesengine-sized";

    private const string Sized = "global::RulesEngine.Core.Expressions.SizedStrings";

    /// <summary>Marks the calls to <c>Enumerable.Range</c> the validator found (an annotation survives the copies
    /// that the explaining twins make of a condition).</summary>
    public static readonly SyntaxAnnotation RangeCall = new("rulesengine-range");

    private const string Runtime = "global::RulesEngine.Core.Expressions.ExpressionRuntime";
    private int _changes;

    public bool Changed => _changes > 0;

    public override SyntaxNode? VisitMethodDeclaration(MethodDeclarationSyntax node)
    {
        var before = _changes;
        var visited = (MethodDeclarationSyntax)base.VisitMethodDeclaration(node)!;
        if (_changes == before || visited.Body is null) return visited;
        var armed = SyntaxFactory.Block(
            SyntaxFactory.ParseStatement($"var __budgetPrevious = {Runtime}.Arm({budgetMs});\n"),
            SyntaxFactory.TryStatement(
                visited.Body,
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(SyntaxFactory.ParseStatement($"{Runtime}.Disarm(__budgetPrevious);\n")))));
        return visited.WithBody(armed);
    }

    [return: NotNullIfNotNull(nameof(node))]
    public override SyntaxNode? Visit(SyntaxNode? node)
    {
        var visited = base.Visit(node);
        if (node is null || !node.HasAnnotation(GuardedValue) || visited is not ExpressionSyntax expression) return visited;
        _changes++;
        return Call("Guard", expression);
    }

    public override SyntaxNode? VisitInvocationExpression(InvocationExpressionSyntax node)
    {
        var isRange = node.HasAnnotation(RangeCall);
        var sized = node.GetAnnotations(SizedKind).FirstOrDefault()?.Data;
        var visited = (InvocationExpressionSyntax)base.VisitInvocationExpression(node)!;
        if (sized is not null)
        {
            // s.Replace(a, b) -> SizedStrings.Replace(s, a, b); Regex.Replace(...) and string.Join(...) keep their arguments
            var target = SyntaxFactory.ParseExpression($"{Sized}.{sized}").WithTriviaFrom(visited.Expression);
            if (sized == "Replace" && visited.Expression is MemberAccessExpressionSyntax access)
            {
                var arguments = visited.ArgumentList.Arguments.Insert(0, SyntaxFactory.Argument(access.Expression.WithoutTrivia()));
                return SyntaxFactory.InvocationExpression(target, visited.ArgumentList.WithArguments(arguments)).WithTriviaFrom(visited);
            }
            return visited.WithExpression(target);
        }
        if (!isRange) return visited;
        _changes++;
        return visited.WithExpression(SyntaxFactory.ParseExpression($"{Runtime}.Range").WithTriviaFrom(visited.Expression));
    }

    public override SyntaxNode? VisitSimpleLambdaExpression(SimpleLambdaExpressionSyntax node)
    {
        var visited = (SimpleLambdaExpressionSyntax)base.VisitSimpleLambdaExpression(node)!;
        return visited.ExpressionBody is { } body ? visited.WithExpressionBody(Tick(body)) : visited;
    }

    public override SyntaxNode? VisitParenthesizedLambdaExpression(ParenthesizedLambdaExpressionSyntax node)
    {
        var visited = (ParenthesizedLambdaExpressionSyntax)base.VisitParenthesizedLambdaExpression(node)!;
        return visited.ExpressionBody is { } body ? visited.WithExpressionBody(Tick(body)) : visited;
    }

    // Query clauses compile to lambdas, so each one ticks as well.
    public override SyntaxNode? VisitWhereClause(WhereClauseSyntax node)
    {
        var visited = (WhereClauseSyntax)base.VisitWhereClause(node)!;
        return visited.WithCondition(Tick(visited.Condition));
    }

    public override SyntaxNode? VisitSelectClause(SelectClauseSyntax node)
    {
        var visited = (SelectClauseSyntax)base.VisitSelectClause(node)!;
        return visited.WithExpression(Tick(visited.Expression));
    }

    public override SyntaxNode? VisitLetClause(LetClauseSyntax node)
    {
        var visited = (LetClauseSyntax)base.VisitLetClause(node)!;
        return visited.WithExpression(Tick(visited.Expression));
    }

    public override SyntaxNode? VisitOrdering(OrderingSyntax node)
    {
        var visited = (OrderingSyntax)base.VisitOrdering(node)!;
        return visited.WithExpression(Tick(visited.Expression));
    }

    public override SyntaxNode? VisitGroupClause(GroupClauseSyntax node)
    {
        var visited = (GroupClauseSyntax)base.VisitGroupClause(node)!;
        return visited.WithGroupExpression(Tick(visited.GroupExpression)).WithByExpression(Tick(visited.ByExpression));
    }

    // The sources of query clauses are sequences passed into LINQ methods as well: each is checked and guarded.
    public override SyntaxNode? VisitJoinClause(JoinClauseSyntax node)
    {
        var visited = (JoinClauseSyntax)base.VisitJoinClause(node)!;
        _changes++;
        return visited.WithLeftExpression(Tick(visited.LeftExpression)).WithRightExpression(Tick(visited.RightExpression))
            .WithInExpression(Call("Source", visited.InExpression));
    }

    public override SyntaxNode? VisitFromClause(FromClauseSyntax node)
    {
        var visited = (FromClauseSyntax)base.VisitFromClause(node)!;
        _changes++;
        return visited.WithExpression(Call("Source", visited.Expression));
    }

    private ExpressionSyntax Tick(ExpressionSyntax body)
    {
        _changes++;
        return Call("Tick", body);
    }

    private static ExpressionSyntax Call(string method, ExpressionSyntax argument) =>
        SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression($"{Runtime}.{method}"),
                SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument.WithoutTrivia()))))
            .WithTriviaFrom(argument);
}

/// <summary>What the validator found for the budget rewriter to replace: calls to <c>Enumerable.Range</c>, and the
/// sequences passed into LINQ methods.</summary>
internal sealed class BudgetSites
{
    public HashSet<InvocationExpressionSyntax> Ranges { get; } = [];
    public HashSet<ExpressionSyntax> Guards { get; } = [];

    /// <summary>String calls whose result can be many times their inputs, with the <see cref="SizedStrings"/> method to call instead.</summary>
    public Dictionary<InvocationExpressionSyntax, string> Sized { get; } = [];
}
