using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// Collects every condition and template of all loaded flows, then compiles them in one Roslyn compilation
/// (one generated file, one assembly, collectible unless <see cref="Collectible"/> is false). Until <see cref="Compile"/> succeeds, handles cannot evaluate.
/// </summary>
/// <remarks>
/// Each expression is checked three times before it may run: alone (exactly one C# expression), in the generated
/// file (the compiler must see it in its slot, so it cannot close the method), and by the allow-list validator.
/// Then every lambda gets a cooperative check of <see cref="TimeBudget"/>. The explaining twins of the conditions
/// (see <see cref="CompiledCondition.Explain"/>) are compiled later, on the first explanation asked of the set. A set that compiled cleanly is kept in <see cref="Cache"/>, so
/// the next start with the same flows binds it without loading Roslyn. Flows are still trusted code: the
/// allow-list keeps honest mistakes and casual misuse out, it is not a boundary against a determined attacker.
/// </remarks>
internal sealed class ExpressionCompiler
{
    private readonly List<ExpressionEntry> _entries = [];
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

    /// <summary>Where compiled sets are kept between processes; null compiles every time. Default
    /// <see cref="ExpressionCache.Default"/> (<c>RULESENGINE_CACHE</c>, else <c>~/.cache/rulesengine</c>).</summary>
    public ExpressionCache? Cache { get; init; } = ExpressionCache.Default;

    /// <summary>True (default): the compiled set is loaded into a collectible context, which
    /// <see cref="CompiledExpressions.Unload"/> frees, for a process that replaces its code (the daemon). False: a
    /// non-collectible context, for a one-shot process that never replaces it; the runtime applies Dynamic PGO only
    /// to non-collectible code, so the conditions run as fast as hand-written ones, and Unload only unbinds the
    /// handles (the assembly stays until the process ends). The explaining twins follow the same setting.</summary>
    public bool Collectible { get; init; } = true;

    /// <summary>The compiled set once <see cref="Compile"/> succeeded (null before, and after a failed compile):
    /// the owner of the assembly, which can unload it (when <see cref="Collectible"/>).</summary>
    public CompiledExpressions? Compiled { get; private set; }

    /// <summary>Benchmarks only: compile without the time budget, to measure what it costs.</summary>
    internal bool WithBudget { get; init; } = true;

    public CompiledCondition AddCondition(string code, ExpressionContext context, SourceLocation location)
    {
        ThrowIfCompiled();
        var condition = new CompiledCondition(code, location);
        _entries.Add(new ExpressionEntry(code, context, location, condition, null));
        return condition;
    }

    public CompiledTemplate AddTemplate(string text, ExpressionContext context, SourceLocation location)
    {
        ThrowIfCompiled();
        var template = new CompiledTemplate(text, location);
        _entries.Add(new ExpressionEntry(text, context, location, null, template));
        return template;
    }

    /// <summary>Compiles everything added so far and binds the handles. Returns every problem, mapped to the
    /// JSON file's line and column; empty when all compiled.</summary>
    public IReadOnlyList<Diagnostic> Compile()
    {
        ThrowIfCompiled();
        _compiled = true;
        var cache = WithBudget ? Cache : null;
        string? key = null;
        if (cache is not null && _entries.Count > 0)
        {
            key = ExpressionCache.Key(_entries, TimeBudget);
            if (cache.TryRead(key, _entries.Count) is { } cached && TryBind(cached, fromCache: true, key)) return [];
        }
        var problems = new List<(int Entry, ExpressionProblem Problem)>();
        var plan = CompileWithRoslyn(problems);
        if (plan is null) return Report(problems);
        if (cache is not null && key is not null) cache.TryWrite(key, plan);
        if (!TryBind(plan, fromCache: false, key)) throw new InvalidOperationException("the compiled expressions could not be loaded");
        return [];
    }

    /// <summary>Unloads the compiled set (see <see cref="CompiledExpressions.Unload"/>); nothing when none.</summary>
    public void Unload() => Compiled?.Unload();

    /// <summary>Sets the process-wide default timeout of every Regex that does not pass its own (expressions
    /// cannot). Call it first thing in Main: .NET reads the value once, at the first Regex use.</summary>
    /// <exception cref="InvalidOperationException">A Regex was used before, so the value did not take effect.</exception>
    public static void SetRegexTimeout(TimeSpan timeout)
    {
        AppContext.SetData("REGEX_DEFAULT_MATCH_TIMEOUT", timeout);
        if (new Regex("x").MatchTimeout != timeout)
            throw new InvalidOperationException("the Regex default timeout was not applied: a Regex was used before it was set; set it first thing in Main");
    }

    // Not inlined: the JIT must not see Roslyn's types while compiling Compile(), or a cache hit would load them.
    // On a thread with a known, large stack: Roslyn recurses over the syntax tree (see ExpressionLimits).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ExpressionPlan? CompileWithRoslyn(List<(int Entry, ExpressionProblem Problem)> problems) =>
        ExpressionLimits.OnCompilerStack(() => new ExpressionEmitter(_entries, TimeBudget) { WithBudget = WithBudget }.Compile(problems));

    /// <summary>Binds every handle to <paramref name="plan"/>; false when the plan does not fit (a damaged cache file).</summary>
    private bool TryBind(ExpressionPlan plan, bool fromCache, string? key)
    {
        var conditions = new List<CompiledCondition>();
        var templates = new List<CompiledTemplate>();
        var compiled = new CompiledExpressions(conditions, templates, fromCache, key, new TwinSource(_entries, TimeBudget, WithBudget, key is null ? null : Cache),
            Collectible);
        object[] table = [];
        try
        {
            if (plan.Image is not null) table = compiled.Load(plan.Image);
            for (var i = 0; i < _entries.Count; i++)
            {
                var entry = _entries[i];
                var planned = plan.Entries[i];
                if (entry.Condition is { } condition && planned.Kind == PlanKind.Condition)
                {
                    condition.Bind((Func<ItemScope, bool>)table[planned.Method], compiled, i);
                    conditions.Add(condition);
                }
                else if (entry.Template is { } template && planned.Kind == PlanKind.CodeTemplate)
                {
                    template.Bind((Func<ItemScope, Func<string, string>?, string>)table[planned.Method]);
                    templates.Add(template);
                }
                else if (entry.Template is { } simple && planned.Kind == PlanKind.FieldTemplate)
                {
                    simple.Bind(FieldTemplate(planned.Pieces));
                    templates.Add(simple);
                }
                else throw new InvalidDataException($"expression {i} does not match its compiled form");
            }
        }
        catch (Exception e) when (fromCache && e is BadImageFormatException or InvalidCastException or IndexOutOfRangeException
            or InvalidDataException or TypeLoadException or MissingFieldException)
        {
            compiled.Unload();
            return false;
        }
        Compiled = compiled;
        return true;
    }

    /// <summary>A template of literal text and field reads: no generated code needed.</summary>
    private static Func<ItemScope, Func<string, string>?, string> FieldTemplate(IReadOnlyList<TemplatePiece> pieces)
    {
        switch (pieces)
        {
            case []:
                return static (_, _) => "";
            case [{ IsField: false } literal]:
                var constant = literal.Text;
                return (_, _) => constant;
            case [{ IsField: true } field]:
                var name = field.Text;
                return (scope, escape) => ExpressionRuntime.Part(escape, scope.Row[name]);
            default:
                var texts = pieces.Select(p => p.Text).ToArray();
                var isField = pieces.Select(p => p.IsField).ToArray();
                return (scope, escape) =>
                {
                    var values = new string[texts.Length];
                    for (var i = 0; i < values.Length; i++)
                        values[i] = isField[i] ? ExpressionRuntime.Part(escape, scope.Row[texts[i]]) : texts[i];
                    return string.Concat(values);
                };
        }
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
}

/// <summary>One added condition or template, in the order added.</summary>
internal sealed record ExpressionEntry(string Text, ExpressionContext Context, SourceLocation Location, CompiledCondition? Condition, CompiledTemplate? Template);
