using RulesEngine.Core.Connections;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// Builds the client of a <c>"helpCrunch"</c> connection from settings already checked against
/// <see cref="HelpCrunchConnectionSpec"/>, e.g.
/// <c>{"type":"helpCrunch","apiKey":"${env:HELPCRUNCH_API_KEY}","baseUrl":"https://api.helpcrunch.com/v1"}</c>.
/// </summary>
public static class HelpCrunchConnection
{
    public const string Type = HelpCrunchConnectionSpec.Type;

    /// <summary>The client, or null when a setting could not be resolved (reported on <paramref name="settings"/>).</summary>
    public static HelpCrunchClient? Create(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var apiKey = settings.Secret(HelpCrunchConnectionSpec.KeyApiKey);
        var baseUrl = settings.Url(HelpCrunchConnectionSpec.KeyBaseUrl);
        if (settings.HasErrors || apiKey is null) return null;
        return new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = apiKey,
            BaseUrl = baseUrl,
            MaxAttempts = settings.Integer(HelpCrunchConnectionSpec.KeyMaxAttempts),
            Timeout = settings.Duration(HelpCrunchConnectionSpec.KeyTimeoutSeconds),
            RetryDelay = settings.Duration(HelpCrunchConnectionSpec.KeyRetryDelaySeconds),
            RequestsPerMinute = settings.Integer(HelpCrunchConnectionSpec.KeyRequestsPerMinute),
        });
    }
}
