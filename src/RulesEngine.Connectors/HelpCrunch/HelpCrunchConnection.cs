using System.Globalization;
using RulesEngine.Core.Connections;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// The "helpCrunch" connection type:
/// <c>{"type":"helpCrunch","apiKey":"${env:HELPCRUNCH_API_KEY}","baseUrl":"https://api.helpcrunch.com/v1"}</c>.
/// Optional tuning: <c>maxAttempts</c> (4), <c>timeoutSeconds</c> (30, per attempt), <c>retryDelaySeconds</c>
/// (0.5, backoff base when no Retry-After), <c>requestsPerMinute</c> (120; 0 = no pacing). Numbers may be
/// written as JSON numbers or strings.
/// </summary>
public static class HelpCrunchConnection
{
    public const string Type = "helpCrunch";
    public const string KeyApiKey = "apiKey";
    public const string KeyBaseUrl = "baseUrl";
    public const string KeyMaxAttempts = "maxAttempts";
    public const string KeyTimeoutSeconds = "timeoutSeconds";
    public const string KeyRetryDelaySeconds = "retryDelaySeconds";
    public const string KeyRequestsPerMinute = "requestsPerMinute";

    /// <summary>Builds the client; problems are reported on <paramref name="settings"/>, which then discards the result.</summary>
    public static HelpCrunchClient Create(ConnectionSettings settings)
    {
        var apiKey = settings.Secret(KeyApiKey, "the HelpCrunch Public API key (Settings → Developers → Public API), e.g. \"${env:HELPCRUNCH_API_KEY}\"");
        var baseUrl = settings.Optional(KeyBaseUrl, HelpCrunchOptions.DefaultBaseUrl)!;
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            settings.Error(KeyBaseUrl, "HC0301", $"connection '{settings.Name}': \"{KeyBaseUrl}\" must be an absolute http(s) URL, e.g. {HelpCrunchOptions.DefaultBaseUrl}");
            baseUrl = HelpCrunchOptions.DefaultBaseUrl;
        }
        var maxAttempts = Number(settings, KeyMaxAttempts, HelpCrunchOptions.DefaultMaxAttempts, min: 1, max: 20);
        var timeout = Number(settings, KeyTimeoutSeconds, HelpCrunchOptions.DefaultTimeout.TotalSeconds, min: 0.01, max: 600);
        var retryDelay = Number(settings, KeyRetryDelaySeconds, HelpCrunchOptions.DefaultRetryDelay.TotalSeconds, min: 0, max: 60);
        var perMinute = Number(settings, KeyRequestsPerMinute, HelpCrunchOptions.DefaultRequestsPerMinute, min: 0, max: 100_000);
        return new HelpCrunchClient(new HelpCrunchOptions
        {
            ApiKey = apiKey,
            BaseUrl = baseUrl,
            MaxAttempts = (int)maxAttempts,
            Timeout = TimeSpan.FromSeconds(timeout),
            RetryDelay = TimeSpan.FromSeconds(retryDelay),
            RequestsPerMinute = (int)perMinute,
        });
    }

    private static double Number(ConnectionSettings settings, string key, double defaultValue, double min, double max)
    {
        var text = settings.Optional(key);
        if (text is null) return defaultValue;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        settings.Error(key, "HC0302", $"connection '{settings.Name}': \"{key}\" is '{text}'; it must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return defaultValue;
    }
}
