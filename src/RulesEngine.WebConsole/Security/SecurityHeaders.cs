using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Security;

/// <summary>
/// Headers on every answer, errors and the login form included: scripts and styles only from the console itself
/// (no inline code, so a cell that slipped through escaping still could not run), no framing, no MIME sniffing,
/// no referrer (a run link carries ids), nothing cached (pages show live state and row data).
/// </summary>
internal static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }
}
