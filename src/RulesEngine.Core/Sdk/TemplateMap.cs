using Newtonsoft.Json.Linq;

namespace RulesEngine.Sdk;

/// <summary>
/// A field mapping: a JSON object whose string leaves are templates (numbers, booleans and nulls stay literal).
/// <c>{"name": "{Name}", "customData": {"plan": "pro"}, "tags": ["vip", "{Company}"]}</c>.
/// </summary>
public sealed class TemplateMap
{
    private readonly JToken _shape;
    private readonly Dictionary<string, CompiledTemplate> _templates;

    internal TemplateMap(JToken shape, Dictionary<string, CompiledTemplate> templatesByPath)
    {
        _shape = shape;
        _templates = templatesByPath;
    }

    /// <summary>Top-level keys, in file order.</summary>
    public IEnumerable<string> Keys => _shape is JObject o ? o.Properties().Select(p => p.Name) : [];

    /// <summary>The mapping as written in the flow file (a copy), for load-time checks of its literal values.</summary>
    public JToken Shape => _shape.DeepClone();

    /// <summary>Every template leaf by its JSON path inside the mapping (e.g. <c>locale</c>, <c>customData.plan</c>).</summary>
    public IReadOnlyDictionary<string, CompiledTemplate> Templates => _templates;

    /// <summary>The mapping rendered for one item: same shape, every template replaced by its text.</summary>
    public JToken Render(ItemScope scope)
    {
        var result = _shape.DeepClone();
        foreach (var leaf in result.SelectTokens("..*").OfType<JValue>().Where(v => v.Type == JTokenType.String).ToList())
        {
            if (_templates.TryGetValue(leaf.Path, out var template)) leaf.Value = template.Render(scope);
        }
        if (result is JValue { Type: JTokenType.String } single && _templates.TryGetValue("", out var root))
            single.Value = root.Render(scope);
        return result;
    }
}
