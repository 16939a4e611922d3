using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RulesEngine.WebConsole.Actions;
using RulesEngine.WebConsole.Pages;
using RulesEngine.WebConsole.Security;

namespace RulesEngine.WebConsole;

/// <summary>
/// The console as an ASP.NET Core application on Kestrel: security headers on every answer, then the token gate,
/// then pages (GET) and actions (POST, each checked for its antiforgery token before anything changes).
/// </summary>
internal static class ConsoleApp
{
    public const string AntiforgeryField = "__RequestVerificationToken";
    public const string AntiforgeryCookie = "rulesengine_console_af";

    public static WebApplication Build(ConsoleSettings settings, ConsoleContext console, ILoggerFactory loggers, Action<IEndpointRouteBuilder>? protectedEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(o => o.AddServerHeader = false);
        builder.WebHost.UseUrls(settings.Listen.GetLeftPart(UriPartial.Authority));
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers); // the daemon's own log lines and formatters
        // Antiforgery tokens are sealed with keys kept in memory: a restart only means reloading the page, and no
        // key file has to be writable (the systemd unit protects home and most of the file system).
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAntiforgery(o =>
        {
            o.FormFieldName = AntiforgeryField;
            o.Cookie.Name = AntiforgeryCookie;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SuppressXFrameOptionsHeader = true; // SecurityHeaders sends DENY
        });
        var app = builder.Build();

        if (PathBase(settings) is { Length: > 0 } pathBase) app.UsePathBase(pathBase);
        app.Use((context, next) =>
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            context.Response.OnStarting(() =>
            {
                SecurityHeaders.Apply(context.Response);
                // How long the server took to build the answer (shown in the browser's network panel; the benchmark reads it).
                var milliseconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                context.Response.Headers["Server-Timing"] = FormattableString.Invariant($"app;dur={milliseconds:0.###}");
                return Task.CompletedTask;
            });
            return next(context);
        });
        var token = settings.Token is null ? null : new ConsoleToken(settings.Token);
        var throttle = new LoginThrottle(console.Clock);
        var gate = new TokenGate(token, throttle);
        app.Use(gate.InvokeAsync);
        app.UseRouting();

        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        PageContext Page(HttpContext http) => new(http, antiforgery, signedIn: token is not null);

        app.MapGet("/console.css", () => Results.Text(Assets.Stylesheet, "text/css; charset=utf-8"));
        app.MapGet("/console.js", () => Results.Text(Assets.Script, "text/javascript; charset=utf-8"));
        app.MapGet("/", (HttpContext http) => HomePage.Render(Page(http), console));
        app.MapGet("/flows/{name}", (HttpContext http, string name) => FlowPage.Render(Page(http), console, name));
        app.MapGet("/flows/{name}/open", (HttpContext http, string name) => OpenRowsPage.Render(Page(http), console, name));
        app.MapGet("/runs/{runId}", (HttpContext http, string runId) => RunPage.Render(Page(http), console, runId));
        app.MapGet("/runs/{runId}/replay-force", (HttpContext http, string runId) => ForcedReplayPage.Render(Page(http), console, runId));
        app.MapGet("/progress", () => Results.Json(new
        {
            flows = console.Scheduler.PublishedFlows.Select(f => new { name = f.Name, text = Progress.Of(f.Running, console.Store.ListRuns(f.Name, 1).FirstOrDefault()) }),
        }));

        var login = new LoginEndpoints(token, throttle, settings, antiforgery);
        app.MapGet("/login", (HttpContext http) => login.Form(new PageContext(http, antiforgery, signedIn: false)));
        app.MapPost("/login", (Func<HttpContext, Task<IResult>>)(http => login.SignInAsync(new PageContext(http, antiforgery, signedIn: false))));

        var actions = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            await antiforgery.IsRequestValidAsync(context.HttpContext)
                ? await next(context)
                : Results.Text("400: this form's antiforgery token is missing or wrong; nothing was changed. Reload the page and try again.",
                    "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest));
        var flowActions = new FlowActions(console);
        actions.MapPost("/logout", (HttpContext http) => login.SignOut(http));
        actions.MapPost("/flows/{name}/switch", (Func<HttpContext, string, Task<IResult>>)flowActions.SwitchAsync);
        actions.MapPost("/flows/{name}/run", (HttpContext http, string name) => flowActions.RunNowAsync(http, name));
        actions.MapPost("/flows/{name}/replay-open", (HttpContext http, string name) => flowActions.ReplayOpen(http, name));
        actions.MapPost("/runs/{runId}/replay", (Func<HttpContext, string, Task<IResult>>)flowActions.ReplayRunAsync);
        actions.MapPost("/runs/{runId}/replay-force", (Func<HttpContext, string, Task<IResult>>)flowActions.ReplayForcedAsync);

        // Endpoints that sit behind the token (and the security headers) but are not pages, such as /metrics,
        // are added here by whoever composes the daemon.
        protectedEndpoints?.Invoke(app);
        return app;
    }

    /// <summary>The path prefix of the public URL (a proxy serving the console under /rulesengine), or empty.</summary>
    public static string PathBase(ConsoleSettings settings) => settings.PublicUrl?.AbsolutePath.TrimEnd('/') ?? "";
}
