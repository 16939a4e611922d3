using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RulesEngine.WebConsole.Actions;

namespace RulesEngine.WebConsole;

/// <summary>
/// The web console as a hosted service of <c>serve</c>: it starts before the scheduler (so run links know the
/// console's address when the first flow loads) and stops after the daemon stops taking requests.
/// </summary>
internal sealed class WebConsoleService(ConsoleSettings settings, ConsoleDependencies dependencies, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
{
    private readonly ReplayLauncher _replays = new(dependencies, loggers.CreateLogger("RulesEngine.Console"));
    private WebApplication? _app;

    /// <summary>
    /// Extra endpoints behind the token and the security headers that are not pages (the place for <c>/metrics</c>):
    /// called with the console's route builder once, at start.
    /// </summary>
    public Action<IEndpointRouteBuilder>? ProtectedEndpoints { get; init; }

    /// <summary>The address people reach the console at (from --public-url, else the address it listens on), without a
    /// trailing slash; null until started.</summary>
    public string? PublicUrl { get; private set; }

    /// <summary>The run link of a flow without its own <c>runLink</c>; null until started.</summary>
    public string? RunLinkTemplate => PublicUrl is null ? null : PublicUrl + "/runs/{runId}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var context = new ConsoleContext(dependencies, _replays);
        _app = ConsoleApp.Build(settings, context, loggers, ProtectedEndpoints);
        await _app.StartAsync(cancellationToken);
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? settings.Listen.GetLeftPart(UriPartial.Authority);
        PublicUrl = (settings.PublicUrl?.ToString() ?? bound).TrimEnd('/');
        loggers.CreateLogger("RulesEngine.Console").LogInformation(
            "Console listening on {Address}; run links open {PublicUrl}/runs/...; {Access}", bound, PublicUrl,
            settings.Token is null ? "no token set: this machine only" : $"every request needs the token ({ConsoleSettings.TokenVariable})");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is null) return;
        await _app.StopAsync(cancellationToken);
        await _replays.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
    }
}
