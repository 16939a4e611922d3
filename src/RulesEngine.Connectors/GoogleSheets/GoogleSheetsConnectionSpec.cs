using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>The settings of a <c>"googleSheets"</c> connection; <see cref="GoogleSheetsOptions.FromSettings"/> reads them.</summary>
public static class GoogleSheetsConnectionSpec
{
    public const string ApiKeyKey = "apiKey";
    public const string ServiceAccountKeyFileKey = "serviceAccountKeyFile";
    public const string BaseUrlKey = "baseUrl";
    public const string MaxAttemptsKey = RetryFields.MaxAttemptsKey;
    public const string TimeoutSecondsKey = RetryFields.TimeoutSecondsKey;
    public const string ReadsPerMinuteKey = "readsPerMinute";
    public const string WritesPerMinuteKey = "writesPerMinute";

    public static ConnectionSpec Spec { get; } = new(GoogleSheetsOptions.ConnectionType,
        "Google Sheets API v4: reading new rows; appending and updating rows (writes need a service account).",
        [
            ConnectionField.Secret(ApiKeyKey, "a Google Cloud API key with the Sheets API enabled; reads only sheets anyone with the link can view",
                "${env:GOOGLE_API_KEY}", required: false),
            ConnectionField.File(ServiceAccountKeyFileKey,
                "a service account's JSON key (Google Cloud Console: IAM → Service accounts → Keys); share the sheet with its client_email, as Editor to write",
                "keys/sheets-writer.json"),
            ConnectionField.Url(BaseUrlKey, "root of the Sheets API, used as given (a missing trailing slash is tolerated); a test points it at the emulator",
                GoogleSheetsOptions.DefaultBaseUrl),
            // The shared declarations (same key, range and example rules as every connector); the backoff is fixed.
            RetryFields.MaxAttemptsField("attempts per read, the first included; transient failures (429, 5xx, timeouts, no connection) are retried", 4),
            RetryFields.TimeoutField("how long one attempt may take", 30, minimumSeconds: 1),
            ConnectionField.Integer(ReadsPerMinuteKey, "reads allowed in any minute (Google's per-user read quota is 60)", 60, 1, 100_000, example: 60),
            ConnectionField.Integer(WritesPerMinuteKey, "writes (appends and updates) allowed in any minute (Google's per-user write quota is 60)", 60, 1, 100_000, example: 60),
        ])
    {
        ExactlyOneOf = [[ApiKeyKey, ServiceAccountKeyFileKey]],
    };
}
