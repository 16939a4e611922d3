using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

public static class GoogleSheetsConnector
{
    public static void Register(ConnectorRegistry registry)
    {
    }
}
