using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Reads a mapping back as written in the flow file, for load-time checks of literal values.
/// Workaround: <see cref="TemplateMap"/> exposes only its keys, not its literal leaves, and <see cref="StepConfig"/>
/// has no raw accessor, so the file is parsed again and the object found at <see cref="StepConfig.At"/>.
/// Null when that is not possible; the same rules still run per item, so only the early warning is lost.
/// </summary>
internal static class FlowMappingSource
{
    public static JObject? Read(StepConfig config, string field, TemplateMap map)
    {
        string text;
        try
        {
            if (!File.Exists(config.FlowFile)) return null;
            text = File.ReadAllText(config.FlowFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        JToken root;
        try
        {
            root = JToken.Parse(text, new JsonLoadSettings { LineInfoHandling = LineInfoHandling.Load });
        }
        catch (JsonException)
        {
            return null;
        }
        if (root is not JContainer container) return null;
        var flowText = new FlowText(config.FlowFile, text);
        var at = config.At(field);
        var found = container.DescendantsAndSelf().OfType<JObject>().FirstOrDefault(o => flowText.Locate(o) == at);
        // The file may have changed since it was loaded: only trust an object with the very same keys.
        return found is not null && found.Properties().Select(p => p.Name).SequenceEqual(map.Keys) ? found : null;
    }
}
