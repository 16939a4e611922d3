using System.Text.RegularExpressions;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.HttpApi;

/// <summary>How an <see cref="HttpApiClient"/> reaches one API and how patiently it retries; read from an
/// <c>"http"</c> connection by <see cref="FromConnection"/>.</summary>
public sealed partial class HttpApiOptions
{
    /// <summary>Absolute http(s) URL without a trailing slash, query or fragment.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The Authorization header's whole value; null sends none. Never printed.</summary>
    public string? Authorization { get; init; }

    public string? ApiKeyHeader { get; init; }

    /// <summary>Sent in <see cref="ApiKeyHeader"/>. Never printed.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Tries, per-try timeout, backoff, the longest Retry-After and pacing (0: none); by default those of
    /// <see cref="HttpApiConnectionSpec.Retry"/>.</summary>
    public RetrySettings Retry { get; init; } = HttpApiConnectionSpec.Retry.Defaults;

    /// <summary>Header names the connection sets itself; a step may not set them too.</summary>
    public IEnumerable<string> CredentialHeaders =>
        new[] { Authorization is null ? null : "Authorization", ApiKeyHeader }.OfType<string>();

    /// <summary>
    /// Reads an <c>"http"</c> connection, already checked against <see cref="HttpApiConnectionSpec"/>. Problems are
    /// reported on <paramref name="settings"/> (never with a secret's value); the result is then null.
    /// </summary>
    public static HttpApiOptions? FromConnection(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var baseUrl = settings.Url(HttpApiConnectionSpec.BaseUrlKey);
        if (Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && (uri.Query.Length > 0 || uri.Fragment.Length > 0))
            settings.Invalid(HttpApiConnectionSpec.BaseUrlKey,
                $"\"{HttpApiConnectionSpec.BaseUrlKey}\" must not have a query or fragment ('{baseUrl}'): put them in the step's \"url\"");
        var apiKeyHeader = settings.Text(HttpApiConnectionSpec.ApiKeyHeaderKey);
        if (apiKeyHeader is not null && !IsHeaderName(apiKeyHeader))
            settings.Invalid(HttpApiConnectionSpec.ApiKeyHeaderKey,
                $"\"{HttpApiConnectionSpec.ApiKeyHeaderKey}\" '{apiKeyHeader}' is not a header name (letters, digits and - only, e.g. \"X-Api-Key\")");
        var authorization = settings.Secret(HttpApiConnectionSpec.AuthorizationKey);
        var apiKey = settings.Secret(HttpApiConnectionSpec.ApiKeyKey);
        if (settings.HasErrors) return null;
        return new HttpApiOptions
        {
            BaseUrl = baseUrl.TrimEnd('/'),
            Authorization = authorization,
            ApiKeyHeader = apiKeyHeader,
            ApiKey = apiKey,
            Retry = HttpApiConnectionSpec.Retry.Read(settings),
        };
    }

    /// <summary>An HTTP token (RFC 9110 §5.6.2) restricted to what header names use in practice.</summary>
    internal static bool IsHeaderName(string name) => HeaderName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex HeaderName();
}
