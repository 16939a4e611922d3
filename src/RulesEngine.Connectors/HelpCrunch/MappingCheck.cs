using Newtonsoft.Json.Linq;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>Load-time checks of a step's <c>fields</c> mapping, reported at the key or value at fault.</summary>
internal static class MappingCheck
{
    public const string UnknownFieldCode = "HC0101";
    public const string InvalidLiteralCode = "HC0102";

    public static readonly StepError UnknownField = new(UnknownFieldCode, "a mapping names a contact field HelpCrunch does not have");
    public static readonly StepError InvalidLiteral = new(InvalidLiteralCode,
        "a value written in the flow (no placeholders) that HelpCrunch would refuse: a locale, a typed custom field, a tag list naming no tag");

    public static void Run(StepConfig config, string field, TemplateMap map)
    {
        foreach (var problem in ContactFieldMapping.CheckKeys(map.Keys))
            config.Error(field, UnknownFieldCode, $"\"{field}\": {problem}");
        if (map.Shape is not JObject written) return;
        foreach (var (key, problem) in ContactFieldMapping.CheckLiterals(written))
        {
            // A literal leaf is a template without placeholders: reported at the value as written.
            config.Error(field, map, key, InvalidLiteralCode, $"\"{field}.{key}\": {problem}");
        }
    }
}
