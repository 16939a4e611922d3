using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.HelpCrunch;

public static class HelpCrunchConnector
{
    public static void Register(ConnectorRegistry registry)
    {
    }
}
