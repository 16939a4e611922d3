using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary>What every page needs from its request: links under the path base, and forms carrying the antiforgery
/// token (a POST without it is refused).</summary>
internal sealed class PageContext(HttpContext http, IAntiforgery antiforgery, bool signedIn)
{
    private string? _requestToken;

    public HttpContext Http { get; } = http;

    /// <summary>True when a token is set (the page shows a sign-out button).</summary>
    public bool SignedIn { get; } = signedIn;

    public string Url(string path) => Http.Request.PathBase + path;

    public static string Escaped(string segment) => Uri.EscapeDataString(segment);

    public int PageNumber => int.TryParse(Http.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 1 and <= 1_000_000 ? page : 1;

    /// <summary>A POST form of one button (hidden fields as given), with the antiforgery token.</summary>
    public Markup Button(string action, string label, params (string Name, string Value)[] fields)
    {
        _requestToken ??= antiforgery.GetAndStoreTokens(Http).RequestToken;
        var html = new Html();
        html.Add($"<form method=\"post\" action=\"{Url(action)}\" class=\"inline\"><input type=\"hidden\" name=\"{ConsoleApp.AntiforgeryField}\" value=\"{_requestToken}\">");
        foreach (var (name, value) in fields) html.Add($"<input type=\"hidden\" name=\"{name}\" value=\"{value}\">");
        html.Add($"<button type=\"submit\">{label}</button></form>");
        return html.ToMarkup();
    }

    public string AntiforgeryToken => _requestToken ??= antiforgery.GetAndStoreTokens(Http).RequestToken!;
}
