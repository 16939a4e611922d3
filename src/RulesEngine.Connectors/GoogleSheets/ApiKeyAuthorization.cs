using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>An API key in the query string (<c>?key=</c>), no Authorization header: public sheets only.</summary>
internal sealed class ApiKeyAuthorization : SheetsAuthorization
{
    private readonly string _key;

    public ApiKeyAuthorization(string key)
    {
        _key = key;
        // Keys set in code (not from a connections file) must be kept out of error text too.
        SecretRedactor.Register(key);
    }

    public override Task AuthorizeAsync(HttpRequestMessage request, bool refresh, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!.ToString();
        request.RequestUri = new Uri(uri + (uri.Contains('?') ? "&" : "?") + "key=" + Uri.EscapeDataString(_key));
        return Task.CompletedTask;
    }

    public override bool CanRefresh => false;

    public override string PermissionHint =>
        "an API key can read only sheets that anyone with the link can view: in the sheet, Share → General access → " +
        "\"Anyone with the link\" (Viewer), or use a service account (\"serviceAccountKeyFile\") and share the sheet with it; " +
        "if the Google Sheets API is not enabled for the key's project, enable it in Google Cloud Console";

    public override string WritePermissionHint => ApiKeyCannotWrite;

    /// <summary>Google answers a write made with an API key with 401 "API keys are not supported by this API".</summary>
    public const string ApiKeyCannotWrite =
        "Google accepts API keys for reading public sheets only, never for writing: use a service account " +
        "(\"serviceAccountKeyFile\" in the connection) and share the sheet with its client_email as Editor";

    public override string InactiveHint =>
        "the API key is inactive (deleted, regenerated or restricted): create a new one in Google Cloud Console " +
        "(APIs & Services → Credentials) and update \"apiKey\" in the connections file";
}
