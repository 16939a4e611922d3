using RulesEngine.Core.Connections;
using RulesEngine.Core.Flows;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram.Tests.Support;

/// <summary>Loads a connections file written by a test through a registry holding only the Telegram connector,
/// the same path a flow's "connection" takes.</summary>
internal static class ConnectionsFixture
{
    public static (object? Connection, List<Diagnostic> Diagnostics) Load(string connectionsJson, string name = "telegram")
    {
        var registry = new ConnectorRegistry();
        TelegramConnector.Register(registry);
        var path = Path.Combine(Path.GetTempPath(), $"telegram-connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, connectionsJson);
        try
        {
            var diagnostics = new List<Diagnostic>();
            var file = ConnectionsFile.Load(path, registry, diagnostics);
            var connection = file.Get(name, TelegramConnector.ConnectionType, new SourceLocation("flow.json", 1, 1), diagnostics);
            return (connection, diagnostics);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
