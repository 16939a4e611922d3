using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Pages;

/// <summary>The sign-in form: one field for the console token.</summary>
internal static class LoginPage
{
    public static IResult Render(PageContext page, string next, string? problem = null, int status = StatusCodes.Status200OK)
    {
        var html = new Html();
        if (problem is not null) html.Add($"<p class=\"error\" role=\"alert\">{problem}</p>");
        html.Add($"""
            <form method="post" action="{page.Url("/login")}" class="login">
            <input type="hidden" name="{ConsoleApp.AntiforgeryField}" value="{page.AntiforgeryToken}">
            <input type="hidden" name="next" value="{next}">
            <label>Console token (the value of RULESENGINE_CONSOLE_TOKEN on the server)
            <input type="password" name="token" autocomplete="current-password" required autofocus></label>
            <button type="submit">Sign in</button></form>
            """);
        return Layout.Page(page, "Sign in", html.ToMarkup(), status, withScript: false);
    }
}
