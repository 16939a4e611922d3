using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>The settings of a <c>"helpCrunch"</c> connection; <see cref="HelpCrunchConnection"/> reads them.</summary>
public static class HelpCrunchConnectionSpec
{
    public const string Type = "helpCrunch";
    public const string KeyApiKey = "apiKey";
    public const string KeyBaseUrl = "baseUrl";
    public const string KeyMaxAttempts = "maxAttempts";
    public const string KeyTimeoutSeconds = "timeoutSeconds";
    public const string KeyRetryDelaySeconds = "retryDelaySeconds";
    public const string KeyRequestsPerMinute = "requestsPerMinute";

    public static ConnectionSpec Spec { get; } = new(Type,
        "HelpCrunch's REST API v1 (contacts: search, create, update, tags).",
        [
            ConnectionField.Secret(KeyApiKey, "the HelpCrunch Public API key (Settings → Developers → Public API), sent as Bearer", "${env:HELPCRUNCH_API_KEY}"),
            ConnectionField.Url(KeyBaseUrl, "root of the API, used exactly as given (an emulator or proxy can stand in)", HelpCrunchOptions.DefaultBaseUrl),
            ConnectionField.Integer(KeyMaxAttempts, "tries per request, the first included; only transient failures are retried",
                HelpCrunchOptions.DefaultMaxAttempts, 1, 20, example: 4),
            ConnectionField.Duration(KeyTimeoutSeconds, "how long one attempt may take (waiting for pacing does not count)",
                HelpCrunchOptions.DefaultTimeout.TotalSeconds, 0.01, 600, example: 30),
            ConnectionField.Duration(KeyRetryDelaySeconds, "backoff base when the service gave no Retry-After",
                HelpCrunchOptions.DefaultRetryDelay.TotalSeconds, 0, 60, example: 0.5),
            ConnectionField.Integer(KeyRequestsPerMinute, "requests allowed in any one-minute window per HelpCrunch account (every connection with this key and base URL in the process shares it; the lowest value applies) before the client waits; 0 turns pacing off",
                HelpCrunchOptions.DefaultRequestsPerMinute, 0, 100_000, example: 120),
        ])
    {
        SelfTest = "POST /customers/search for an e-mail address that cannot exist (read-only)",
    };
}
