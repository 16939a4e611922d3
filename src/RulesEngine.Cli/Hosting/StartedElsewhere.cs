using Microsoft.Extensions.Hosting;

namespace RulesEngine.Cli.Hosting;

/// <summary>
/// A hosted service another one starts at the right moment (the console of a one-machine daemon, started once the
/// daemon holds its lease): the host only stops it, in its place in the stop order. Stopping one never started is
/// harmless.
/// </summary>
internal sealed class StartedElsewhere(IHostedService service) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => service.StopAsync(cancellationToken);
}
