using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using RulesEngine.WebConsole.Pages;
using RulesEngine.WebConsole.Security;

namespace RulesEngine.WebConsole.Actions;

/// <summary>Sign in with the console token (an HttpOnly, SameSite=Strict cookie that proves it without holding it),
/// and sign out. Wrong tokens count against the address (<see cref="LoginThrottle"/>).</summary>
internal sealed class LoginEndpoints(ConsoleToken? token, LoginThrottle throttle, ConsoleSettings settings, IAntiforgery antiforgery)
{
    public IResult Form(PageContext page) =>
        token is null ? new FlowActions.SeeOther(page.Url("/")) : LoginPage.Render(page, SafeNext(page.Http.Request.Query["next"], page));

    public async Task<IResult> SignInAsync(PageContext page)
    {
        if (token is null) return new FlowActions.SeeOther(page.Url("/"));
        if (!await antiforgery.IsRequestValidAsync(page.Http))
            return Results.Text("400: the sign-in form's antiforgery token is missing or wrong. Reload the page and try again.",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
        var address = TokenGate.ClientAddress(page.Http);
        if (!throttle.MayTry(address, out var retry))
        {
            await TokenGate.TooManyAsync(page.Http, retry);
            return Results.Empty;
        }
        var form = await page.Http.Request.ReadFormAsync();
        var next = SafeNext(form["next"], page);
        if (!token.Matches(form["token"].ToString()))
        {
            throttle.Failed(address);
            return LoginPage.Render(page, next, "That is not the console token.", StatusCodes.Status401Unauthorized);
        }
        throttle.Succeeded(address);
        page.Http.Response.Cookies.Append(TokenGate.CookieName, token.SessionValue, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = page.Http.Request.IsHttps || settings.PublicUrl?.Scheme == Uri.UriSchemeHttps,
            Path = page.Url("/"),
            IsEssential = true,
        });
        return new FlowActions.SeeOther(next);
    }

    public IResult SignOut(HttpContext http)
    {
        http.Response.Cookies.Delete(TokenGate.CookieName, new CookieOptions { Path = http.Request.PathBase + "/" });
        return new FlowActions.SeeOther(http.Request.PathBase + "/login");
    }

    /// <summary>Where to go after signing in: a path of this console only (never another site: no open redirect).</summary>
    private static string SafeNext(string? next, PageContext page)
    {
        var pathBase = page.Http.Request.PathBase.ToString();
        return next is { Length: > 0 } && next.StartsWith(pathBase + "/", StringComparison.Ordinal) && !next.StartsWith("//", StringComparison.Ordinal)
            && !next.Contains('\\', StringComparison.Ordinal) && !next[(pathBase.Length + 1)..].StartsWith('/')
            ? next
            : pathBase + "/";
    }
}
