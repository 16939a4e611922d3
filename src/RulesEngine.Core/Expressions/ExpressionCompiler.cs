using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using RulesEngine.Core.Flows;
using Diagnostic = RulesEngine.Core.Flows.Diagnostic;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Collects every condition and template of all loaded flows, then compiles them in one Roslyn compilation
/// (one generated file, one collectible assembly). Until <see cref="Compile"/> succeeds, handles cannot evaluate.
/// </summary>
/// <remarks>
/// Each expression is checked three times before it may run: alone (exactly one C# expression), in the generated
/// file (the compiler must see it in its slot, so it cannot close the method), and by the allow-list validator.
/// Then every lambda gets a cooperative check of <see cref="TimeBudget"/>. Flows are still trusted code: the
/// allow-list keeps honest mistakes and casual misuse out, it is not a boundary against a determined attacker.
/// </remarks>
public sealed class ExpressionCompiler
{
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<ExpressionContext, ExpressionNames> _names = new(ReferenceEqualityComparer.Instance);
    private bool _compiled;

    /// <summary>How long one evaluation of a condition or template may run before it fails; checked inside
    /// every lambda and query clause, so expressions without loops never pay for it. Default 1 s.</summary>
    public TimeSpan TimeBudget
    {
        get;
        init => field = value > TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue
            ? value
            : throw new ArgumentOutOfRangeException(nameof(TimeBudget), value, "the time budget must be positive");
    } = TimeSpan.FromSeconds(1);

    public CompiledCondition AddCondition(string code, ExpressionContext context, SourceLocation location)
    {
        ThrowIfCompiled();
        var condition = new CompiledCondition(code, location);
        _entries.Add(new Entry(code, context, location, condition, null));
        return condition;
    }

    public CompiledTemplate AddTemplate(string text, ExpressionContext context, SourceLocation location)
    {
        ThrowIfCompiled();
        var template = new CompiledTemplate(text, location);
        _entries.Add(new Entry(text, context, location, null, template));
        return template;
    }

    /// <summary>Compiles everything added so far and binds the handles. Returns every problem, mapped to the
    /// JSON file's line and column; empty when all compiled.</summary>
    public IReadOnlyList<Diagnostic> Compile()
    {
        ThrowIfCompiled();
        _compiled = true;
        var problems = new List<(int Entry, ExpressionProblem Problem)>();
        var source = new GeneratedSource();
        var roslynEntries = new List<(Entry Entry, int Method)>();
        var simpleTemplates = new List<(Entry Entry, IReadOnlyList<TemplateParser.Part> Parts)>();

        for (var i = 0; i < _entries.Count; i++)
        {
            var entry = _entries[i];
            var names = Names(entry.Context);
            if (entry.Condition is not null)
            {
                var (identifiers, found) = ExpressionText.Check(entry.Text, "condition");
                problems.AddRange(found.Select(p => (i, p)));
                if (found.Count == 0) roslynEntries.Add((entry, source.AddCondition(i, entry.Text, Locals(names, identifiers))));
                continue;
            }
            var (parts, templateProblems) = TemplateParser.Parse(entry.Text, names.IsField);
            problems.AddRange(templateProblems.Select(p => (i, new ExpressionProblem(p.Offset, ExpressionCodes.TemplateSyntax, p.Message))));
            var mentioned = new HashSet<string>(StringComparer.Ordinal);
            var partsOk = templateProblems.Count == 0;
            foreach (var code in parts.OfType<TemplateParser.CodePart>())
            {
                var (identifiers, found) = ExpressionText.Check(code.Code, "placeholder");
                problems.AddRange(found.Select(p => (i, p with { Offset = p.Offset + code.Offset })));
                partsOk &= found.Count == 0;
                mentioned.UnionWith(identifiers);
            }
            if (!partsOk) continue;
            if (parts.Any(p => p is TemplateParser.CodePart))
                roslynEntries.Add((entry, source.AddTemplate(i, parts, Locals(names, mentioned))));
            else
                simpleTemplates.Add((entry, parts));
        }

        object[] table = [];
        if (roslynEntries.Count > 0)
        {
            var image = Emit(source, problems);
            if (image is not null) table = GeneratedAssembly.Load(image);
        }
        if (problems.Count > 0) return Report(problems);

        foreach (var (entry, method) in roslynEntries)
        {
            if (entry.Condition is { } condition) condition.Bind((Func<ItemScope, bool>)table[method]);
            else entry.Template!.Bind((Func<ItemScope, string>)table[method]);
        }
        foreach (var (entry, parts) in simpleTemplates) entry.Template!.Bind(SimpleTemplate(parts));
        return [];
    }

    /// <summary>Sets the process-wide default timeout of every Regex that does not pass its own (expressions
    /// cannot). Call it first thing in Main: .NET reads the value once, at the first Regex use.</summary>
    /// <exception cref="InvalidOperationException">A Regex was used before, so the value did not take effect.</exception>
    public static void SetRegexTimeout(TimeSpan timeout)
    {
        AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", timeout);
        if (new Regex("x").MatchTimeout != timeout)
            throw new InvalidOperationException("the Regex default timeout was not applied: a Regex was used before it was set; set it first thing in Main");
    }

    private byte[]? Emit(GeneratedSource source, List<(int Entry, ExpressionProblem Problem)> problems)
    {
        var text = source.Finish();
        var tree = CSharpSyntaxTree.ParseText(SourceText.From(text, Encoding.UTF8), GeneratedAssembly.ParseOptions, path: "RulesEngine.Generated.g.cs");
        var compilation = CSharpCompilation.Create(GeneratedAssembly.Name, [tree], GeneratedAssembly.References, GeneratedAssembly.Options);
        var model = compilation.GetSemanticModel(tree);
        var root = tree.GetRoot();
        var slots = source.Slots;
        var starts = slots.Select(s => s.Start).ToArray();
        var ranges = new HashSet<InvocationExpressionSyntax>();
        var forbidden = new List<TextSpan>();

        foreach (var slot in slots)
        {
            var entry = _entries[slot.Entry];
            var expression = SlotExpression(root, slot);
            if (expression is null)
            {
                problems.Add((slot.Entry, new ExpressionProblem(slot.ValueOffset, ExpressionCodes.NotOneExpression,
                    $"the {(slot.IsTemplate ? "placeholder" : "condition")} must be exactly one C# expression")));
                continue;
            }
            foreach (var (span, message) in ExpressionValidator.Validate(model, expression, ranges))
            {
                forbidden.Add(span);
                problems.Add((slot.Entry, new ExpressionProblem(slot.ValueOffset + span.Start - slot.Start, ExpressionCodes.Forbidden, message)));
            }
        }

        foreach (var diagnostic in model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var span = diagnostic.Location.SourceSpan;
            if (forbidden.Any(f => f.Contains(span))) continue; // already explained, e.g. an unreferenced System.Net type
            var index = Array.BinarySearch(starts, span.Start);
            if (index < 0) index = ~index - 1;
            if (index < 0)
            {
                problems.Add((0, new ExpressionProblem(0, diagnostic.Id, diagnostic.GetMessage(CultureInfo.InvariantCulture) + " (reported in generated code)")));
                continue;
            }
            var slot = slots[index];
            var inside = span.Start <= slot.Start + slot.Length;
            var offset = inside ? slot.ValueOffset + span.Start - slot.Start : slot.ValueOffset;
            var (code, message) = Explain(diagnostic, text.Substring(span.Start, span.Length).TrimStart('@'), Names(_entries[slot.Entry].Context));
            problems.Add((slot.Entry, new ExpressionProblem(offset, code, inside ? message : message + " (reported in generated code)")));
        }
        if (problems.Count > 0) return null;

        var rewriter = new BudgetRewriter(ranges, (int)Math.Ceiling(TimeBudget.TotalMilliseconds));
        var rewritten = rewriter.Visit(root);
        if (rewriter.Changed) compilation = compilation.ReplaceSyntaxTree(tree, tree.WithRootAndOptions(rewritten, tree.Options));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            // Only instrumentation can fail here (the original compiled cleanly): name the expression's method.
            var method = diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan)
                .AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            var slot = slots.FirstOrDefault(s => method is not null && method.Identifier.ValueText == "E" + s.Method);
            problems.Add((slot?.Entry ?? 0, new ExpressionProblem(slot?.ValueOffset ?? 0, diagnostic.Id,
                "the expression cannot be given a time budget: " + diagnostic.GetMessage(CultureInfo.InvariantCulture))));
        }
        return result.Success ? image.ToArray() : null;
    }

    /// <summary>The user's expression in its slot, or null when the compiler does not see exactly the slot the
    /// generator wrote (the text closed it and opened something else).</summary>
    private static ExpressionSyntax? SlotExpression(SyntaxNode root, Slot slot)
    {
        var open = root.FindToken(slot.Start - 1);
        if (!open.IsKind(SyntaxKind.OpenParenToken) || open.SpanStart != slot.Start - 1) return null;
        ExpressionSyntax? expression = null;
        SyntaxToken close = default;
        if (!slot.IsTemplate && open.Parent is ParenthesizedExpressionSyntax { Parent: ReturnStatementSyntax } parenthesized)
        {
            expression = parenthesized.Expression;
            close = parenthesized.CloseParenToken;
        }
        else if (slot.IsTemplate && open.Parent is ArgumentListSyntax { Arguments: [{ RefKindKeyword.RawKind: 0 } argument], Parent: InvocationExpressionSyntax } arguments)
        {
            expression = argument.Expression;
            close = arguments.CloseParenToken;
        }
        if (expression is null || close.IsMissing || close.SpanStart != slot.CloseParen) return null;
        return root.DescendantTrivia(new TextSpan(slot.Start, slot.Length)).Any(t => t.IsDirective || t.IsKind(SyntaxKind.DisabledTextTrivia))
            ? null
            : expression;
    }

    /// <summary>Our message for an unknown name: a later step says so, anything else gets a did-you-mean.</summary>
    private static (string Code, string Message) Explain(Microsoft.CodeAnalysis.Diagnostic diagnostic, string name, ExpressionNames names)
    {
        var message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        if (diagnostic.Id != "CS0103") return (diagnostic.Id, message);
        if (names.LaterStep(name) is { } step)
            return (ExpressionCodes.LaterStep, $"step '{step}' runs after this expression; only earlier steps can be used here");
        if (names.Suggest(name) is { } suggestion)
            return (diagnostic.Id, $"{message}; did you mean '{suggestion.Code}' ({suggestion.Description})?");
        return (diagnostic.Id, message);
    }

    private static IEnumerable<ExpressionNames.Name> Locals(ExpressionNames names, IEnumerable<string> identifiers) =>
        identifiers.Select(names.Find).OfType<ExpressionNames.Name>().Distinct();

    private static Func<ItemScope, string> SimpleTemplate(IReadOnlyList<TemplateParser.Part> parts)
    {
        switch (parts)
        {
            case []:
                return static _ => "";
            case [TemplateParser.LiteralPart literal]:
                var constant = literal.Text;
                return _ => constant;
            case [TemplateParser.FieldPart field]:
                var name = field.Field;
                return scope => scope.Row[name];
            default:
                // literal pieces as text, field pieces as null text plus the field name to read
                var literals = parts.Select(p => (p as TemplateParser.LiteralPart)?.Text).ToArray();
                var fields = parts.Select(p => (p as TemplateParser.FieldPart)?.Field).ToArray();
                return scope =>
                {
                    var values = new string[literals.Length];
                    for (var i = 0; i < values.Length; i++) values[i] = literals[i] ?? scope.Row[fields[i]!];
                    return string.Concat(values);
                };
        }
    }

    private ExpressionNames Names(ExpressionContext context)
    {
        if (!_names.TryGetValue(context, out var names)) _names[context] = names = new ExpressionNames(context);
        return names;
    }

    private IReadOnlyList<Diagnostic> Report(List<(int Entry, ExpressionProblem Problem)> problems) =>
        problems
            .OrderBy(p => p.Entry).ThenBy(p => p.Problem.Offset)
            .Select(p =>
            {
                var at = _entries[p.Entry].Location.AtValueIndex(p.Problem.Offset);
                return new Diagnostic(at.File, at.Line, at.Column, p.Problem.Code, p.Problem.Message);
            })
            .Distinct()
            .ToList();

    private void ThrowIfCompiled()
    {
        if (_compiled) throw new InvalidOperationException("this compiler has already compiled; create a new one for new expressions");
    }

    private sealed record Entry(string Text, ExpressionContext Context, SourceLocation Location, CompiledCondition? Condition, CompiledTemplate? Template);
}
