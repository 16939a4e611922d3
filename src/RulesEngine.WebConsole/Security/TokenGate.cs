using Microsoft.AspNetCore.Http;

namespace RulesEngine.WebConsole.Security;

/// <summary>
/// With a token set, every request must carry it: the session cookie the login form sets, or
/// <c>Authorization: Bearer TOKEN</c> for scripts. Without it a browser page request is sent to the login form and
/// anything else gets 401; never the page. Only the login form and the stylesheet are open.
/// </summary>
internal sealed class TokenGate(ConsoleToken? token, LoginThrottle throttle)
{
    public const string CookieName = "rulesengine_console";

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (token is null || IsOpen(context.Request.Path))
        {
            await next(context);
            return;
        }
        var address = ClientAddress(context);
        if (token.IsSession(context.Request.Cookies[CookieName]))
        {
            await next(context);
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            if (!throttle.MayTry(address, out var retry))
            {
                await TooManyAsync(context, retry);
                return;
            }
            if (token.Matches(authorization["Bearer ".Length..].Trim()))
            {
                throttle.Succeeded(address);
                await next(context);
                return;
            }
            throttle.Failed(address);
        }
        if (HttpMethods.IsGet(context.Request.Method) && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            var back = context.Request.PathBase + context.Request.Path + context.Request.QueryString;
            context.Response.Redirect(context.Request.PathBase + "/login?next=" + Uri.EscapeDataString(back));
            return;
        }
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"rulesengine\"";
        await context.Response.WriteAsync("401: this console needs its token (sign in at /login, or send Authorization: Bearer TOKEN)");
    }

    public static bool IsOpen(PathString path) =>
        path.Equals("/login", StringComparison.Ordinal) || path.Equals("/console.css", StringComparison.Ordinal);

    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static Task TooManyAsync(HttpContext context, TimeSpan retry)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Response.WriteAsync("429: too many wrong tokens from this address; try again later");
    }
}
