using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram;

public static class TelegramConnector
{
    public static void Register(ConnectorRegistry registry)
    {
    }
}
