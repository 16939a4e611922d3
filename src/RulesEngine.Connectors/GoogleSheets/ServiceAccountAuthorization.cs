using System.Net.Http.Headers;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// A service account key: Google.Apis.Auth signs the JWT, asks the key's <c>token_uri</c> for an access token and
/// caches it; this class turns token-endpoint refusals into the "account inactive" errors the user can act on.
/// </summary>
internal sealed class ServiceAccountAuthorization : SheetsAuthorization
{
    public const string ReadOnlyScope = "https://www.googleapis.com/auth/spreadsheets.readonly";
    public const string WriteScope = "https://www.googleapis.com/auth/spreadsheets";
    private readonly ServiceAccountCredential _credential;
    private readonly ServiceAccountCredential _writeCredential;

    // Reads ask for a read-only token; only writes ask for one that can change the sheet.
    private ServiceAccountAuthorization(ServiceAccountCredential credential, ServiceAccountCredential writeCredential)
    {
        _credential = credential;
        _writeCredential = writeCredential;
    }

    public string ClientEmail => _credential.Id;

    /// <exception cref="GoogleSheetsException">The file is not a service account key.</exception>
    public static ServiceAccountAuthorization Load(string keyFile)
    {
        ServiceAccountCredential key;
        try
        {
            key = CredentialFactory.FromFile<ServiceAccountCredential>(keyFile);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or Newtonsoft.Json.JsonException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new GoogleSheetsException($"{keyFile} is not a usable service account JSON key ({e.Message}); " +
                "download a new key in Google Cloud Console (IAM → Service accounts → Keys → Add key → JSON)", inner: e);
        }
        // Without scopes the library would self-sign a JWT and never ask the token server; scoped, it honours token_uri.
        var scoped = key.ToGoogleCredential().CreateScoped(ReadOnlyScope).CreateWithHttpClientFactory(MeteredTokenClientFactory.Instance).UnderlyingCredential as ServiceAccountCredential
            ?? throw new GoogleSheetsException($"{keyFile} is not a service account key");
        var writer = key.ToGoogleCredential().CreateScoped(WriteScope).CreateWithHttpClientFactory(MeteredTokenClientFactory.Instance).UnderlyingCredential as ServiceAccountCredential
            ?? throw new GoogleSheetsException($"{keyFile} is not a service account key");
        return new ServiceAccountAuthorization(scoped, writer);
    }

    public override async Task AuthorizeAsync(HttpRequestMessage request, bool refresh, CancellationToken cancellationToken)
    {
        string token;
        var credential = request.Method == HttpMethod.Get ? _credential : _writeCredential;
        try
        {
            if (refresh) await credential.RequestAccessTokenAsync(cancellationToken);
            token = await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (TokenResponseException e)
        {
            throw TokenRefused(e);
        }
        SecretRedactor.Register(token);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public override bool CanRefresh => true;

    public override string PermissionHint =>
        $"share the sheet with {ClientEmail} (Viewer is enough) or make it readable by link; " +
        "if it is shared and this persists, the service account may have been disabled (see IAM → Service accounts)";

    public override string WritePermissionHint =>
        $"share the sheet with {ClientEmail} as Editor (Viewer can only read); if it is shared and this persists, " +
        "the service account may have been disabled (see IAM → Service accounts)";

    public override string InactiveHint =>
        $"the Google account {ClientEmail} is inactive: its key was revoked or deleted, or the service account was disabled. " +
        "Enable the account or create a new JSON key for it in Google Cloud Console (IAM → Service accounts → Keys) " +
        "and point \"serviceAccountKeyFile\" at it";

    private GoogleSheetsException TokenRefused(TokenResponseException e)
    {
        var status = (int?)e.StatusCode;
        var what = $"{e.Error?.Error}{(string.IsNullOrEmpty(e.Error?.ErrorDescription) ? "" : ": " + e.Error.ErrorDescription)}";
        if (status is >= 500 or 429)
            return new GoogleSheetsException($"Google token server answered {status} ({what})", status, e.Error?.Error, isTransient: true, inner: e);
        if (e.Error?.Error is "invalid_grant" or "invalid_client" or "unauthorized_client" || status is 400 or 401 or 403)
            return new GoogleSheetsException($"Google refused to sign in ({what}) — {InactiveHint}", status, e.Error?.Error,
                isInactiveAccount: true, inner: e);
        return new GoogleSheetsException($"Google token server answered {status} ({what})", status, e.Error?.Error, inner: e);
    }
}
