using Microsoft.Extensions.Logging;
using RulesEngine.Core.Running;
using RulesEngine.Core.State;

namespace RulesEngine.Core.Scheduling;

/// <summary>
/// Which <c>serve</c> schedules the flows of one SQLite state file. A second daemon on the same file would schedule
/// every flow a second time (flow leases stop two runs from overlapping, not two schedulers from firing), so only the
/// holder of this lease schedules; any other daemon waits as a standby and takes over when the holder is gone.
/// It is the flows' own lease mechanism under a name no flow file can load with (<see cref="Name"/>): a holder on this
/// machine that died (kill -9, a crash) is seen at once from its pid; one whose process cannot be checked (another
/// machine sharing the file) is taken over once its lease expires, <see cref="Duration"/> after its last renewal.
/// </summary>
internal sealed class DaemonLease(IStateStore store, TimeProvider clock, ILogger logger, string stateDescription)
{
    /// <summary>The lease's key in the leases table, beside the flows' names. A name in parentheses with a space is
    /// one no shipped or sensible flow carries; a flow named exactly so would only share the daemon's exclusion.</summary>
    public const string Name = "(serve daemon)";

    /// <summary>How long the lease lasts without renewal (a holder that cannot be checked by pid blocks this long).</summary>
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    /// <summary>How often the holder renews it; a few renewals fit in <see cref="Duration"/> so a busy machine keeps it.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>How often a standby looks at the lease: the takeover delay after the holder dies.</summary>
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(1);

    private readonly string _owner = LeaseHolder.ForThisProcess();

    /// <summary>This daemon's holder text (<c>pid N on host (started ...), id</c>), as other daemons see it.</summary>
    public string Owner => _owner;

    /// <summary>Returns once this daemon holds the lease; until then it waits as a standby, saying once per holder
    /// which process it waits for. Throws <see cref="OperationCanceledException"/> when <paramref name="stopping"/> ends the wait.</summary>
    public async Task AcquireAsync(CancellationToken stopping)
    {
        string? waitingFor = null;
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            var now = clock.GetUtcNow();
            var holder = store.TryAcquireLease(Name, _owner, Duration, now);
            if (holder is not null && LeaseHolder.IsGone(holder) && store.TakeOverLease(Name, _owner, holder, Duration, now))
            {
                logger.LogWarning("Took over scheduling of {State} from a daemon that is gone ({Holder})", stateDescription, LeaseHolder.Describe(holder));
                return;
            }
            if (holder is null)
            {
                if (waitingFor is not null)
                    logger.LogWarning("Took over scheduling of {State}: the daemon it waited for ({Holder}) stopped or its lease expired", stateDescription, LeaseHolder.Describe(waitingFor));
                return;
            }
            if (holder != waitingFor)
            {
                logger.LogWarning(
                    "Standby: another serve daemon schedules the flows of {State} ({Holder}); this one runs nothing and takes over within seconds when that one stops or dies",
                    stateDescription, LeaseHolder.Describe(holder));
                waitingFor = holder;
            }
            await Task.Delay(PollEvery, clock, stopping);
        }
    }

    /// <summary>Renews the lease every <see cref="RenewEvery"/> until <paramref name="stopping"/>, then releases it.
    /// Returns false, without releasing, when another daemon took it meanwhile (this process stalled past
    /// <see cref="Duration"/>): the caller must stop scheduling.</summary>
    public async Task<bool> HoldAsync(CancellationToken stopping)
    {
        try
        {
            while (true)
            {
                await Task.Delay(RenewEvery, clock, stopping);
                if (store.TryAcquireLease(Name, _owner, Duration, clock.GetUtcNow()) is { } other)
                {
                    logger.LogError("Lost the scheduling of {State} to another daemon ({Holder}), probably after this process stalled for over {Seconds} s; stopping so that two daemons never schedule the same flows",
                        stateDescription, LeaseHolder.Describe(other), Duration.TotalSeconds);
                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>Gives the lease up (a clean stop), so a standby takes over at its next look.</summary>
    public void Release() => store.ReleaseLease(Name, _owner);
}
