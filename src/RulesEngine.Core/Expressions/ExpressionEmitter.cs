using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// The Roslyn half of <see cref="ExpressionCompiler"/>: checks every added expression, generates the one file,
/// validates it against the allow-list, adds the time budget and the explaining twins, and emits the assembly.
/// Kept apart so that a cache hit never touches a type that mentions Roslyn.
/// </summary>
internal sealed class ExpressionEmitter(IReadOnlyList<ExpressionEntry> entries, TimeSpan budget)
{
    private readonly Dictionary<ExpressionContext, ExpressionNames> _names = new(ReferenceEqualityComparer.Instance);

    /// <summary>Set by tests and benchmarks to measure what the explaining twins cost.</summary>
    internal bool WithTwins { get; init; } = true;

    /// <summary>Set by benchmarks to measure what the time budget costs per evaluation.</summary>
    internal bool WithBudget { get; init; } = true;

    /// <summary>The compiled plan, or null with every problem (by entry index) when anything is wrong.</summary>
    public ExpressionPlan? Compile(List<(int Entry, ExpressionProblem Problem)> problems)
    {
        var source = new GeneratedSource();
        var plan = new PlanEntry?[entries.Count];
        var roslynEntries = new List<(int Entry, int Method)>();

        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var names = Names(entry.Context);
            if (entry.Condition is not null)
            {
                var (identifiers, found) = ExpressionText.Check(entry.Text, "condition");
                problems.AddRange(found.Select(p => (i, p)));
                if (found.Count == 0) roslynEntries.Add((i, source.AddCondition(i, entry.Text, Locals(names, identifiers))));
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
                roslynEntries.Add((i, source.AddTemplate(i, parts, Locals(names, mentioned))));
            else
            {
                var pieces = parts.Select(p => p is TemplateParser.FieldPart field
                    ? new TemplatePiece(true, field.Field)
                    : new TemplatePiece(false, ((TemplateParser.LiteralPart)p).Text)).ToList();
                plan[i] = new PlanEntry(PlanKind.FieldTemplate, -1, -1, [], pieces);
            }
        }

        byte[]? image = null;
        var twins = new Dictionary<int, (int Index, IReadOnlyList<string> Parts)>();
        if (roslynEntries.Count > 0)
            image = Emit(source, problems, twins);
        if (problems.Count > 0) return null;

        foreach (var (entry, method) in roslynEntries)
        {
            plan[entry] = entries[entry].Condition is not null
                ? twins.TryGetValue(entry, out var twin)
                    ? new PlanEntry(PlanKind.Condition, method, twin.Index, twin.Parts, [])
                    : new PlanEntry(PlanKind.Condition, method, -1, [], [])
                : new PlanEntry(PlanKind.CodeTemplate, method, -1, [], []);
        }
        return new ExpressionPlan(image, plan.Select(p => p!).ToList());
    }

    private byte[]? Emit(GeneratedSource source, List<(int Entry, ExpressionProblem Problem)> problems,
        Dictionary<int, (int Index, IReadOnlyList<string> Parts)> twins)
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
        var conditions = new List<(Slot Slot, ExpressionSyntax Expression)>();

        foreach (var slot in slots)
        {
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
            if (!slot.IsTemplate) conditions.Add((slot, expression));
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
            var (code, message) = Explain(diagnostic, text.Substring(span.Start, span.Length).TrimStart('@'), Names(entries[slot.Entry].Context));
            problems.Add((slot.Entry, new ExpressionProblem(offset, code, inside ? message : message + " (reported in generated code)")));
        }
        if (problems.Count > 0) return null;

        var marks = WithTwins
            ? conditions.Select(c => ExplainRewriter.Mark(model, c.Slot.Method, c.Slot.Entry, c.Expression)).Where(m => m.Nodes.Count > 0).ToList()
            : [];
        var image = EmitImage(compilation, tree, root, ranges, marks, slots, problems, out var twinFailed);
        if (twinFailed)
        {
            // An explaining twin did not compile (a construct the marker did not foresee): compile the set without
            // twins rather than fail it; Explain then reports the condition's value alone.
            problems.Clear();
            marks = [];
            image = EmitImage(compilation, tree, root, ranges, marks, slots, problems, out _);
        }
        for (var i = 0; i < marks.Count; i++) twins[marks[i].Entry] = (i, marks[i].Texts);
        return image;
    }

    private byte[]? EmitImage(CSharpCompilation compilation, SyntaxTree tree, SyntaxNode root, HashSet<InvocationExpressionSyntax> ranges,
        List<ExplainRewriter.Marks> marks, IReadOnlyList<Slot> slots, List<(int Entry, ExpressionProblem Problem)> problems, out bool twinFailed)
    {
        twinFailed = false;
        var annotations = new Dictionary<SyntaxNode, List<SyntaxAnnotation>>();
        foreach (var range in ranges) annotations[range] = [BudgetRewriter.RangeCall];
        foreach (var mark in marks)
        {
            for (var i = 0; i < mark.Nodes.Count; i++)
            {
                if (!annotations.TryGetValue(mark.Nodes[i], out var list)) annotations[mark.Nodes[i]] = list = [];
                list.Add(ExplainRewriter.Annotation(i, mark.Types[i]));
            }
        }
        // one pass over the tree (ReplaceNodes with thousands of nodes took seconds)
        var rewritten = annotations.Count == 0 ? root : new Annotator(annotations).Visit(root)!;
        if (marks.Count > 0) rewritten = ExplainRewriter.AddTwins(rewritten, marks);
        if (WithBudget)
        {
            var budgetMs = (int)Math.Ceiling(budget.TotalMilliseconds);
            rewritten = new BudgetRewriter(budgetMs).Visit(rewritten);
        }
        if (rewritten != root) compilation = compilation.ReplaceSyntaxTree(tree, tree.WithRootAndOptions(rewritten, tree.Options));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        foreach (var diagnostic in result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
        {
            var node = diagnostic.Location.SourceTree?.GetRoot().FindNode(diagnostic.Location.SourceSpan);
            if (marks.Count > 0 && ExplainRewriter.IsInTwin(node))
            {
                twinFailed = true;
                return null;
            }
            // Only instrumentation can fail here (the original compiled cleanly): name the expression's method.
            var method = node?.AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
            var slot = slots.FirstOrDefault(s => method is not null && method.Identifier.ValueText == "E" + s.Method.ToString(CultureInfo.InvariantCulture));
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

    private ExpressionNames Names(ExpressionContext context)
    {
        if (!_names.TryGetValue(context, out var names)) _names[context] = names = new ExpressionNames(context);
        return names;
    }

    /// <summary>Adds annotations to the given nodes of the tree it visits.</summary>
    private sealed class Annotator(Dictionary<SyntaxNode, List<SyntaxAnnotation>> annotations) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? Visit(SyntaxNode? node)
        {
            var visited = base.Visit(node);
            return node is not null && visited is not null && annotations.TryGetValue(node, out var list)
                ? visited.WithAdditionalAnnotations(list)
                : visited;
        }
    }
}
