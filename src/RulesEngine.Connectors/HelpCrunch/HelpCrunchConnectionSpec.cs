using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>The settings of a <c>"helpCrunch"</c> connection; <see cref="HelpCrunchConnection"/> reads them.</summary>
public static class HelpCrunchConnectionSpec
{
    public const string Type = "helpCrunch";
    public const string KeyApiKey = "apiKey";
    public const string KeyBaseUrl = "baseUrl";

    /// <summary>Tries, timeout, backoff and pacing. HelpCrunch allows about 120 requests a minute per account, so the
    /// default backoff is about one request's share of that minute.</summary>
    public static RetryFields Retry { get; } = new()
    {
        MaxAttempts = RetryFields.MaxAttemptsField("tries per request, the first included; only transient failures are retried", 4),
        Timeout = RetryFields.TimeoutField("how long one attempt may take (waiting for pacing does not count)", 30, minimumSeconds: 0.01),
        RetryDelay = RetryFields.RetryDelayField("backoff base when the service gave no Retry-After", 0.5, maximumSeconds: 60),
        RequestsPerMinute = RetryFields.RequestsPerMinuteField("requests allowed in any one-minute window per HelpCrunch account (every connection with this key and base URL in the process shares it; the lowest value applies) before the client waits; 0 turns pacing off",
            120, example: 120),
    };

    public static ConnectionSpec Spec { get; } = new(Type,
        "HelpCrunch's REST API v1 (contacts: search, create, update, tags).",
        [
            ConnectionField.Secret(KeyApiKey, "the HelpCrunch Public API key (Settings → Developers → Public API), sent as Bearer", "${env:HELPCRUNCH_API_KEY}"),
            ConnectionField.Url(KeyBaseUrl, "root of the API, used exactly as given (an emulator or proxy can stand in)", HelpCrunchOptions.DefaultBaseUrl),
            .. Retry.Fields,
        ])
    {
        SelfTest = "POST /customers/search for an e-mail address that cannot exist (read-only)",
    };
}
