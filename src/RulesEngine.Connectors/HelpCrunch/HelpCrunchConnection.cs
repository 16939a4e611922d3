using RulesEngine.Sdk;

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
            Retry = HelpCrunchConnectionSpec.Retry.Read(settings),
        });
    }

    /// <summary>A read-only search that proves the key and base URL work; the reserved .invalid domain matches no one.</summary>
    public static async Task<string> SelfTestAsync(HelpCrunchClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = await client.SearchAsync("email", "rulesengine-self-test@example.invalid", 1, 0, cancellationToken).ConfigureAwait(false);
        return $"the API key is accepted ({result.Total} contacts match the test address)";
    }
}
