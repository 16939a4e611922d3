using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Sdk;

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

    /// <summary>The template as written in the flow file.</summary>
    public string Text { get; }
    internal SourceLocation Location { get; }

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
        var watch = scope.Watch;
        watch?.Enter(scope, Location, "template");
        try
        {
            return render(scope, escape);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ExpressionException)
        {
            throw new ExpressionException($"template \"{Text}\" at {CompiledCondition.Place(Location)} failed: {e.GetType().Name}: {e.Message}", Location, e);
        }
        finally
        {
            watch?.Exit();
        }
    }
}
