using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary>The frame around every page: title, navigation, the stylesheet and the small live-progress script.</summary>
internal static class Layout
{
    /// <param name="withScript">False on the sign-in form: the script, like every request but the form and the
    /// stylesheet, needs the token.</param>
    public static IResult Page(PageContext page, string title, Markup body, int status = StatusCodes.Status200OK, bool withScript = true)
    {
        var html = new Html();
        html.Add($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} · RulesEngine</title>
            <link rel="stylesheet" href="{page.Url("/console.css")}">
            """);
        if (withScript) html.Add($"<script src=\"{page.Url("/console.js")}\" defer></script>");
        html.Add($"""
            </head><body data-progress-url="{page.Url("/progress")}">
            <header><a class="brand" href="{page.Url("/")}">RulesEngine</a> <a href="{page.Url("/")}">Flows</a>
            """);
        if (page.SignedIn) html.Add(page.Button("/logout", "Sign out"));
        html.Add($"</header><main><h1>{title}</h1>");
        if (page.Http.Request.Query["note"].ToString() is { Length: > 0 } note) html.Add($"<p class=\"note\" role=\"status\">{Notes.Describe(note)}</p>");
        html.Add(body);
        html.Add($"</main></body></html>");
        return Results.Content(html.ToMarkup().Value, "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>Previous/next links of a paged list; <paramref name="shown"/> is how many the page holds.</summary>
    public static Markup Pager(PageContext page, string path, int pageSize, int shown, string extraQuery = "")
    {
        var number = page.PageNumber;
        var html = new Html();
        html.Add($"<nav class=\"pager\">page {number}");
        if (number > 1) html.Add($" <a href=\"{page.Url(path)}?page={number - 1}{extraQuery}\">newer / previous</a>");
        if (shown >= pageSize) html.Add($" <a href=\"{page.Url(path)}?page={number + 1}{extraQuery}\">next</a>");
        html.Add($"</nav>");
        return html.ToMarkup();
    }

    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture) : "";
}
