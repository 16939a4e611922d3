using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>Registers the Google Sheets connection type, its source and its write steps.</summary>
public static class GoogleSheetsConnector
{
    public static void Register(ConnectorRegistry registry)
    {
        registry.AddConnection(GoogleSheetsConnectionSpec.Spec, CreateConnection);
        registry.AddSource(NewRowsSource.Spec, config => NewRowsSource.Create(config)!);
        registry.AddReceiver(AppendRowStep.Spec, AppendRowStep.Create);
        registry.AddReceiver(UpdateRowStep.Spec, UpdateRowStep.Create);
    }

    private static GoogleSheetsClient? CreateConnection(ConnectionSettings settings)
    {
        var options = GoogleSheetsOptions.FromSettings(settings);
        if (options is null) return null;
        try
        {
            return new GoogleSheetsClient(options);
        }
        catch (GoogleSheetsException e)
        {
            // The key file exists and is small, but is not a service account key Google.Apis.Auth can use.
            settings.Invalid(GoogleSheetsConnectionSpec.ServiceAccountKeyFileKey, e.Message);
            return null;
        }
    }
}
