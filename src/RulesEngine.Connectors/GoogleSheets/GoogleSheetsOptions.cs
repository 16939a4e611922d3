using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// How to reach Google Sheets: the connection entry of type <c>googleSheets</c>, e.g.
/// <c>{"type":"googleSheets","apiKey":"${env:GOOGLE_API_KEY}"}</c> or
/// <c>{"type":"googleSheets","serviceAccountKeyFile":"keys/reader.json"}</c>. Exactly one of the two credentials.
/// Writing (the appendRow and updateRow steps) needs the service account: Google refuses writes made with an API key.
/// </summary>
public sealed class GoogleSheetsOptions
{
    public const string ConnectionType = "googleSheets";
    public const string DefaultBaseUrl = "https://sheets.googleapis.com/";

    /// <summary>Root of the Sheets API; a test points it at the emulator. A missing trailing slash is tolerated.</summary>
    public string BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>An API key: reads only sheets that anyone with the link can view.</summary>
    public string? ApiKey { get; set; }

    /// <summary>A service account's JSON key; the sheet must be shared with its <c>client_email</c>.
    /// The key's <c>token_uri</c> decides which token server is asked.</summary>
    public string? ServiceAccountKeyFile { get; set; }

    /// <summary>Attempts per read, the first included; transient failures (429, 5xx, timeouts, no connection) are retried.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads allowed in any minute; Google's per-user quota is 60, and a service account is one user.</summary>
    public int ReadsPerMinute { get; set; } = 60;

    /// <summary>Writes (appends and updates) allowed in any minute; Google's per-user write quota is also 60.</summary>
    public int WritesPerMinute { get; set; } = 60;

    /// <summary>First retry delay; later ones grow exponentially, with jitter. A Retry-After header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Reads a <c>googleSheets</c> connection entry, already checked against <see cref="GoogleSheetsConnectionSpec"/>
    /// (which also makes sure exactly one credential is given). Problems are reported through
    /// <paramref name="settings"/>, never thrown; the result is then null.
    /// </summary>
    public static GoogleSheetsOptions? FromSettings(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = new GoogleSheetsOptions
        {
            BaseUrl = settings.Url(GoogleSheetsConnectionSpec.BaseUrlKey),
            MaxAttempts = settings.Integer(GoogleSheetsConnectionSpec.MaxAttemptsKey),
            Timeout = settings.Duration(GoogleSheetsConnectionSpec.TimeoutSecondsKey),
            ReadsPerMinute = settings.Integer(GoogleSheetsConnectionSpec.ReadsPerMinuteKey),
            WritesPerMinute = settings.Integer(GoogleSheetsConnectionSpec.WritesPerMinuteKey),
        };
        if (settings.Has(GoogleSheetsConnectionSpec.ApiKeyKey))
            options.ApiKey = settings.Secret(GoogleSheetsConnectionSpec.ApiKeyKey);
        else
            options.ServiceAccountKeyFile = settings.FilePath(GoogleSheetsConnectionSpec.ServiceAccountKeyFileKey);
        return settings.HasErrors ? null : options;
    }
}
