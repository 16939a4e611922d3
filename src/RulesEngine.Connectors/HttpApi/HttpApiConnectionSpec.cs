using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>The settings of an <c>"http"</c> connection; <see cref="HttpApiOptions.FromConnection"/> reads them.
/// Credentials live here, never in a flow, so a flow file can be shared and a secret is sent only to its own host.</summary>
public static class HttpApiConnectionSpec
{
    public const string BaseUrlKey = "baseUrl";
    public const string AuthorizationKey = "authorization";
    public const string ApiKeyHeaderKey = "apiKeyHeader";
    public const string ApiKeyKey = "apiKey";

    /// <summary>Tries, timeout, backoff and pacing; an arbitrary API states no limits, so pacing is off by default.</summary>
    public static RetryFields Retry { get; } = new()
    {
        MaxAttempts = RetryFields.MaxAttemptsField("tries per request, the first included; only failures with no answer, 408, 429 and 5xx are retried " +
            "(a POST or PATCH only when the server certainly did nothing: a refused connection or 429)", 4),
        Timeout = RetryFields.TimeoutField("how long one try may take", 30),
        RetryDelay = RetryFields.RetryDelayField("first backoff delay; it doubles per retry, with jitter (a Retry-After replaces it)", 1),
        MaxRetryAfter = RetryFields.MaxRetryAfterField("the longest Retry-After waited out; a longer one is cut to this", 60, maximumSeconds: 3_600),
        RequestsPerMinute = RetryFields.RequestsPerMinuteField("requests allowed in any one-minute window before the client waits; 0 turns pacing off", 0, example: 120),
    };

    public static ConnectionSpec Spec { get; } = new(HttpApiConnector.ConnectionType,
        "Any HTTP JSON API, called by http.request steps: its root URL and the credentials sent with every request.",
        [
            ConnectionField.RequiredUrl(BaseUrlKey, "root of the API; a step's \"url\" is appended to it, and requests never leave it (no query or fragment here)",
                "https://api.example.com/v1"),
            ConnectionField.Secret(AuthorizationKey, "the whole Authorization header sent with every request, e.g. \"Bearer <token>\"; never printed",
                "Bearer ${env:EXAMPLE_API_TOKEN}", required: false),
            ConnectionField.Text(ApiKeyHeaderKey, "name of the header that carries \"apiKey\" (given together with it)", "X-Api-Key"),
            ConnectionField.Secret(ApiKeyKey, "the key sent in \"apiKeyHeader\" with every request; never printed", "${env:EXAMPLE_API_KEY}", required: false),
            .. Retry.Fields,
        ])
    {
        AllOrNone = [[ApiKeyHeaderKey, ApiKeyKey]],
        SelfTest = "GET baseUrl (any answer but 401 or 403 passes)",
    };
}
