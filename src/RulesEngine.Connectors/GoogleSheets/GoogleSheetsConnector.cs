using RulesEngine.Core.Connections;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>Registers the Google Sheets connection type, its source and its write steps.</summary>
public static class GoogleSheetsConnector
{
    public static void Register(ConnectorRegistry registry)
    {
        registry.AddConnectionType(GoogleSheetsOptions.ConnectionType, CreateConnection);
        registry.AddSource(NewRowsSpec.Spec, config => NewRowsSource.Create(config)!);
        registry.AddReceiver(AppendRowStep.Spec, AppendRowStep.Create);
        registry.AddReceiver(UpdateRowStep.Spec, UpdateRowStep.Create);
    }

    private static object CreateConnection(ConnectionSettings settings)
    {
        var options = GoogleSheetsOptions.FromSettings(settings);
        // On a reported problem the connections file discards whatever is returned.
        if (options is null) return settings;
        try
        {
            return new GoogleSheetsClient(options);
        }
        catch (GoogleSheetsException e)
        {
            settings.Error("serviceAccountKeyFile", "RE1005", $"connection '{settings.Name}': {e.Message}");
            return settings;
        }
    }
}
