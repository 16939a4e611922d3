using Microsoft.Extensions.Hosting;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cli.Hosting;

/// <summary>The daemon as a hosted service: the scheduler loop runs until the host stops, and the folder watcher
/// nudges it when a flow file changes.</summary>
internal sealed class SchedulerService(FlowScheduler scheduler, FlowCatalog catalog, StopSignals signals) : BackgroundService
{
    /// <summary>False when runs had to be cut (a second signal, or the stop bound passed).</summary>
    public bool StoppedGracefully { get; private set; } = true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watcher = new RulesWatcher(catalog.Directory, scheduler.RequestRescan);
        StoppedGracefully = await scheduler.RunAsync(stoppingToken, signals.Abort);
    }
}
