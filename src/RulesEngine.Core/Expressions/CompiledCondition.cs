using RulesEngine.Core.Flows;

namespace RulesEngine.Core.Expressions;

/// <summary>
/// A C# condition from a flow file. Usable once <see cref="ExpressionCompiler.Compile"/> has succeeded.
/// </summary>
public sealed class CompiledCondition
{
    private Func<ItemScope, bool>? _evaluate;

    internal CompiledCondition(string code, SourceLocation location)
    {
        Code = code;
        Location = location;
    }

    public string Code { get; }
    public SourceLocation Location { get; }

    internal void Bind(Func<ItemScope, bool> evaluate) => _evaluate = evaluate;

    /// <summary>Evaluates the condition. A condition that throws raises <see cref="ExpressionException"/>.</summary>
    public bool Evaluate(ItemScope scope)
    {
        var evaluate = _evaluate ?? throw new InvalidOperationException($"condition at {Location.File}({Location.Line},{Location.Column}) was not compiled");
        try
        {
            return evaluate(scope);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ExpressionException($"condition `{Code}` failed: {e.GetType().Name}: {e.Message}", Location, e);
        }
    }
}

/// <summary>
/// A text with placeholders: <c>"Hello {Name}, row {Row.Number}"</c>. A placeholder holds a field name or a C#
/// expression; <c>{{</c> and <c>}}</c> are literal braces. Usable once compiled.
/// </summary>
public sealed class CompiledTemplate
{
    private Func<ItemScope, string>? _render;

    internal CompiledTemplate(string text, SourceLocation location)
    {
        Text = text;
        Location = location;
    }

    public string Text { get; }
    public SourceLocation Location { get; }

    internal void Bind(Func<ItemScope, string> render) => _render = render;

    /// <summary>Renders the text for one item. A placeholder that throws raises <see cref="ExpressionException"/>.</summary>
    public string Render(ItemScope scope)
    {
        var render = _render ?? throw new InvalidOperationException($"template at {Location.File}({Location.Line},{Location.Column}) was not compiled");
        try
        {
            return render(scope);
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
