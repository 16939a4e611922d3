using Microsoft.Extensions.Hosting;
using RulesEngine.Core.Scheduling;

namespace RulesEngine.Cli.Hosting;

/// <summary>The daemon as a hosted service: the scheduler loop runs until the host stops, and the folder watcher
/// nudges it when a flow file changes. With a <see cref="DaemonLease"/> (a SQLite state file), the loop starts only
/// once this daemon holds the lease: until then it is a standby.</summary>
/// <param name="whenActive">Started once this daemon holds the lease, before the scheduler loads a flow: the web
/// console of a one-machine daemon, so a standby on the same machine does not take (or fail on) the active daemon's
/// port. When it says false (it could not start), the daemon schedules nothing, gives the lease back and stops.</param>
internal sealed class SchedulerService(IDaemonScheduler scheduler, FlowCatalog catalog, StopSignals signals, IHostApplicationLifetime lifetime,
    DaemonLease? lease = null, Func<CancellationToken, Task<bool>>? whenActive = null) : BackgroundService
{
    /// <summary>False when runs had to be cut (a second signal, or the stop bound passed).</summary>
    public bool StoppedGracefully { get; private set; } = true;

    /// <summary>True when another daemon took the lease while this one scheduled (this process had stalled): it
    /// stopped scheduling, and exits with a failure so that systemd restarts it as a standby.</summary>
    public bool LostLease { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (lease is not null)
        {
            try
            {
                await lease.AcquireAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // stopped while a standby: nothing ran
            }
        }
        if (whenActive is not null && !await whenActive(stoppingToken))
        {
            lease?.Release(); // another standby may do better (its port may be free)
            lifetime.StopApplication();
            return;
        }
        using var watcher = new RulesWatcher(catalog.Directory, scheduler.RequestRescan);
        using var stopScheduling = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var stopHolding = new CancellationTokenSource();
        var holding = lease is null ? Task.CompletedTask : HoldAsync(lease, stopScheduling, stopHolding.Token);
        StoppedGracefully = await scheduler.RunAsync(stopScheduling.Token, signals.Abort);
        // The lease is kept until the runs in flight are done, so a standby never starts the same flows beside them.
        await stopHolding.CancelAsync();
        await holding;
        if (LostLease) lifetime.StopApplication();
        else lease?.Release();
    }

    private async Task HoldAsync(DaemonLease held, CancellationTokenSource stopScheduling, CancellationToken stopHolding)
    {
        if (await held.HoldAsync(stopHolding)) return;
        LostLease = true;
        await stopScheduling.CancelAsync();
    }
}
