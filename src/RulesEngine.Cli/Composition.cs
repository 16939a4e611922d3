using RulesEngine.Connectors.Email;
using RulesEngine.Connectors.GoogleSheets;
using RulesEngine.Connectors.HelpCrunch;
using RulesEngine.Connectors.HttpApi;
using RulesEngine.Connectors.Telegram;
using RulesEngine.Core.Steps;

namespace RulesEngine.Cli;

/// <summary>The composition root: the one place that lists the connectors this program contains.</summary>
internal static class Composition
{
    public static ConnectorRegistry Registry()
    {
        var registry = new ConnectorRegistry();
        EmailConnector.Register(registry);
        GoogleSheetsConnector.Register(registry);
        HelpCrunchConnector.Register(registry);
        HttpApiConnector.Register(registry);
        TelegramConnector.Register(registry);
        return registry;
    }
}
