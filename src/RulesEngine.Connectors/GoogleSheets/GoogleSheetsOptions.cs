using RulesEngine.Core.Connections;

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
    /// Reads a <c>googleSheets</c> connection entry. Problems are reported through <paramref name="settings"/>,
    /// never thrown; the result is then null.
    /// </summary>
    public static GoogleSheetsOptions? FromSettings(ConnectionSettings settings)
    {
        var valid = true;
        void Error(string key, string code, string message)
        {
            settings.Error(key, code, message);
            valid = false;
        }
        var options = new GoogleSheetsOptions
        {
            BaseUrl = settings.Optional("baseUrl", DefaultBaseUrl)!,
            MaxAttempts = Integer(settings, "maxAttempts", 4, 1, 20, ref valid),
            Timeout = TimeSpan.FromSeconds(Integer(settings, "timeoutSeconds", 30, 1, 600, ref valid)),
            ReadsPerMinute = Integer(settings, "readsPerMinute", 60, 1, 100_000, ref valid),
            WritesPerMinute = Integer(settings, "writesPerMinute", 60, 1, 100_000, ref valid),
        };
        if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            Error("baseUrl", "RE1001", $"connection '{settings.Name}': \"baseUrl\" must be an http(s) URL, e.g. {DefaultBaseUrl}");

        var hasKey = settings.Has("apiKey");
        var hasFile = settings.Has("serviceAccountKeyFile");
        if (hasKey == hasFile)
        {
            Error(hasKey ? "serviceAccountKeyFile" : "type", "RE1002",
                $"connection '{settings.Name}' needs exactly one of \"apiKey\" (public sheets only) or \"serviceAccountKeyFile\" " +
                "(a service account JSON key; share the sheet with its client_email)" + (hasKey ? ", not both" : ""));
        }
        else if (hasKey)
        {
            options.ApiKey = settings.Secret("apiKey", "a Google Cloud API key with the Google Sheets API enabled, e.g. \"${env:GOOGLE_API_KEY}\"");
            valid &= options.ApiKey.Length > 0;
        }
        else
        {
            var path = settings.OptionalPath("serviceAccountKeyFile");
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                Error("serviceAccountKeyFile", "RE1003",
                    $"connection '{settings.Name}': service account key file {path} does not exist (download a JSON key in Google Cloud Console: IAM → Service accounts → Keys; the path is relative to the connections file)");
            else options.ServiceAccountKeyFile = path;
        }
        return valid ? options : null;
    }

    private static int Integer(ConnectionSettings settings, string key, int defaultValue, int min, int max, ref bool valid)
    {
        var text = settings.Optional(key);
        if (text is null) return defaultValue;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
            return value;
        settings.Error(key, "RE1004", $"connection '{settings.Name}': \"{key}\" must be a whole number from {min} to {max}, not '{text}'");
        valid = false;
        return defaultValue;
    }
}
