using System.Globalization;
using System.Text;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// A C# condition from a flow file. Usable once <see cref="ExpressionCompiler.Compile"/> has succeeded.
/// </summary>
public sealed class CompiledCondition
{
    private Func<ItemScope, bool>? _evaluate;
    private Func<int, Delegate?>? _explainers;
    private int _explainMethod = -1;
    private IReadOnlyList<string> _parts = [];
    private bool _unloaded;

    internal CompiledCondition(string code, SourceLocation location)
    {
        Code = code;
        Location = location;
    }

    public string Code { get; }
    public SourceLocation Location { get; }

    /// <summary>True when the condition has an explaining twin (tests).</summary>
    internal bool HasTwin => _explainMethod >= 0 && _explainers is not null;

    internal void Bind(Func<ItemScope, bool> evaluate, Func<int, Delegate?>? explainers = null, int explainMethod = -1, IReadOnlyList<string>? parts = null)
    {
        _evaluate = evaluate;
        _explainers = explainers;
        _explainMethod = explainMethod;
        _parts = parts ?? [];
    }

    internal void Unbind()
    {
        _unloaded = true;
        _evaluate = null;
        _explainers = null;
    }

    /// <summary>Evaluates the condition. A condition that throws raises <see cref="ExpressionException"/>.</summary>
    public bool Evaluate(ItemScope scope)
    {
        var evaluate = _evaluate ?? throw NotBound();
        try
        {
            return evaluate(scope);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Failed(e);
        }
    }

    /// <summary>
    /// Evaluates the condition once and says why it came out as it did: the value of every part, for
    /// <c>update.Result == 0 &amp;&amp; !string.IsNullOrEmpty(create.Error)</c> the comparison, <c>update.Result</c>,
    /// the negation and <c>create.Error</c>. The recording code is a twin of the condition generated at compile
    /// time (nothing is interpreted); a part that short-circuiting skipped says "not evaluated". Same errors as
    /// <see cref="Evaluate"/>.
    /// </summary>
    public ConditionExplanation Explain(ItemScope scope)
    {
        var evaluate = _evaluate ?? throw NotBound();
        var explain = _explainers?.Invoke(_explainMethod) as Func<ItemScope, object?[], bool>;
        try
        {
            if (explain is null) return new ConditionExplanation(Code, evaluate(scope), []);
            var values = new object?[_parts.Count];
            Array.Fill(values, ExpressionRuntime.NotEvaluated);
            var value = explain(scope, values);
            var parts = new ExpressionPart[values.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                var evaluated = !ReferenceEquals(values[i], ExpressionRuntime.NotEvaluated);
                parts[i] = new ExpressionPart(_parts[i], evaluated ? values[i] : null, evaluated);
            }
            return new ConditionExplanation(Code, value, parts);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw Failed(e);
        }
    }

    private ExpressionException Failed(Exception e) =>
        new($"condition `{Code}` failed: {e.GetType().Name}: {e.Message}", Location, e);

    private InvalidOperationException NotBound() => new(_unloaded
        ? $"condition at {Location.File}({Location.Line},{Location.Column}) belongs to an unloaded set of flows"
        : $"condition at {Location.File}({Location.Line},{Location.Column}) was not compiled");
}

/// <summary>
/// A text with placeholders: <c>"Hello {Name}, row {Row.Number}"</c>. A placeholder holds a field name or a C#
/// expression; <c>{{</c> and <c>}}</c> are literal braces. Usable once compiled.
/// </summary>
public sealed class CompiledTemplate
{
    private Func<ItemScope, Func<string, string>?, string>? _render;
    private bool _unloaded;

    internal CompiledTemplate(string text, SourceLocation location)
    {
        Text = text;
        Location = location;
    }

    public string Text { get; }
    public SourceLocation Location { get; }

    internal void Bind(Func<ItemScope, Func<string, string>?, string> render) => _render = render;

    internal void Unbind()
    {
        _unloaded = true;
        _render = null;
    }

    /// <summary>Renders the text for one item. A placeholder that throws raises <see cref="ExpressionException"/>.</summary>
    public string Render(ItemScope scope) => Render(scope, null);

    /// <summary>Renders the text for one item, passing every placeholder's value (never the template's own text)
    /// through <paramref name="escape"/>: e.g. HTML-escaping for a message sent with an HTML parse mode, so a cell
    /// holding <c>&lt;</c> cannot break it.</summary>
    public string Render(ItemScope scope, Func<string, string>? escape)
    {
        var render = _render ?? throw new InvalidOperationException(_unloaded
            ? $"template at {Location.File}({Location.Line},{Location.Column}) belongs to an unloaded set of flows"
            : $"template at {Location.File}({Location.Line},{Location.Column}) was not compiled");
        try
        {
            return render(scope, escape);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ExpressionException)
        {
            throw new ExpressionException($"template \"{Text}\" failed: {e.GetType().Name}: {e.Message}", Location, e);
        }
    }
}

/// <summary>An expression failed while evaluating for one item; the item's step fails with this text.</summary>
public sealed class ExpressionException(string message, SourceLocation location, Exception? inner = null)
    : Exception(message, inner)
{
    public SourceLocation Location { get; } = location;
}

/// <summary>What one evaluation of a condition came to, and the value of each of its parts.</summary>
public sealed record ConditionExplanation(string Code, bool Value, IReadOnlyList<ExpressionPart> Parts)
{
    /// <summary>One line: <c>update.Result == 0 = true; update.Result = 0; create.Error = ""</c>.</summary>
    public override string ToString() =>
        Parts.Count == 0 ? $"{Code} = {(Value ? "true" : "false")}" : string.Join("; ", Parts.Select(p => p.ToString()));
}

/// <summary>A part of a condition (an operand of <c>&amp;&amp;</c>, <c>||</c> or a comparison, a call's receiver or
/// argument, the subject of <c>is</c>) with its value; <see cref="Evaluated"/> is false when short-circuiting
/// skipped it.</summary>
public sealed record ExpressionPart(string Text, object? Value, bool Evaluated)
{
    /// <summary>The value as people read it: strings quoted, numbers and dates invariant, "not evaluated".</summary>
    public string Display => Evaluated ? Format(Value) : "(not evaluated)";

    public override string ToString() => $"{Text} = {Display}";

    internal static string Format(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        char c => Quote(c.ToString()),
        DateTime d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset d => d.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        StepResult r => r.ToString(),
        SourceRow row => $"row {row.Number}",
        System.Collections.ICollection c => $"[{c.Count} item{(c.Count == 1 ? "" : "s")}]",
        System.Collections.IEnumerable => "(sequence)",
        _ => value.ToString() ?? "",
    };

    private static string Quote(string text)
    {
        const int max = 80;
        var shown = text.Length > max ? text[..max] : text;
        var quoted = new StringBuilder(shown.Length + 2).Append('"');
        foreach (var c in shown)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        quoted.Append('"');
        if (text.Length > max) quoted.Append($"... ({text.Length} chars)");
        return quoted.ToString();
    }
}
