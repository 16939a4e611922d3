using RulesEngine.Core.Expressions;
using RulesEngine.Core.Flows;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>Load-time checks of a step's <c>fields</c> mapping, reported as diagnostics at the mapping.</summary>
internal static class MappingCheck
{
    public const string UnknownFieldCode = "HC0101";
    public const string InvalidLiteralCode = "HC0102";

    public static void Run(StepConfig config, string field, TemplateMap map)
    {
        foreach (var problem in ContactFieldMapping.CheckKeys(map.Keys))
            config.Error(field, UnknownFieldCode, $"\"{field}\": {problem}");
        if (FlowMappingSource.Read(config, field, map) is { } written)
        {
            foreach (var problem in ContactFieldMapping.CheckLiterals(written))
                config.Error(field, InvalidLiteralCode, $"\"{field}\": {problem}");
        }
    }
}
