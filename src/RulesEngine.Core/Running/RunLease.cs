using RulesEngine.Core.State;

namespace RulesEngine.Core.Running;

/// <summary>
/// The flow lease a run holds, and whether the run may still act on it. A background loop renews the lease every
/// <see cref="RenewEvery"/>; the run trusts it for <see cref="Trust"/> after the moment a successful renewal was
/// sent (the time it wrote into the lease, not the time the answer came back: a write the store retried for a
/// minute earns no trust). <see cref="EnsureHeld"/> is checked before every call that acts on a service, and
/// <see cref="Token"/> is cancelled the moment the lease is lost (a renewal finds another owner, or the store refuses a
/// write fenced by the lease) or the trust runs out, so a call or a retry wait in progress stops too. Why this is
/// enough: docs/cluster.md, "Lease ownership".
/// </summary>
internal sealed class RunLease : IDisposable
{
    /// <summary>How long a run keeps acting after sending its last successful renewal. Far below the lease's
    /// duration, so a lease that expires (or is taken over, see <see cref="UnrenewedBeforeTakeover"/>) was no longer
    /// trusted by its holder.</summary>
    public static readonly TimeSpan Trust = TimeSpan.FromSeconds(15);

    /// <summary>Three renewals fit in <see cref="Trust"/>, so one slow or failed renewal does not stop a healthy run.</summary>
    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    /// <summary>How far apart two machines' clocks may be (NTP keeps them within milliseconds).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>How long a lease must have gone unrenewed before a live node takes it over from a node that stopped
    /// checking in: by then its holder, if it still runs, has stopped acting (its trust ran out).</summary>
    public static readonly TimeSpan UnrenewedBeforeTakeover = Trust + ClockSkew;

    private readonly IRunLeases _store;
    private readonly string _flow;
    private readonly string _owner;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _lost;
    private readonly CancellationTokenSource _stopRenewing = new();
    private readonly ITimer _trustRunsOut;
    private readonly Lock _gate = new();
    private readonly DateTimeOffset _acquiredAt;
    private DateTimeOffset _trustedUntil;
    private string? _lostReason;

    /// <param name="acquiredAt">The time written into the lease when it was taken (before the store was asked).</param>
    public RunLease(IRunLeases store, string flow, string owner, TimeSpan duration, TimeProvider clock, DateTimeOffset acquiredAt, CancellationToken run)
    {
        (_store, _flow, _owner, _duration, _clock) = (store, flow, owner, duration, clock);
        _lost = CancellationTokenSource.CreateLinkedTokenSource(run);
        (_acquiredAt, _trustedUntil) = (acquiredAt, acquiredAt + Trust);
        _trustRunsOut = clock.CreateTimer(_ => TrustRanOut(), null, Until(_trustedUntil), Timeout.InfiniteTimeSpan);
        _ = RenewAsync();
    }

    /// <summary>The run's token: cancelled by the run's own token, or when the lease is lost.</summary>
    public CancellationToken Token => _lost.Token;

    /// <summary>Why the run must stop, once it must; null while the lease is held.</summary>
    public string? LostReason
    {
        get { lock (_gate) return _lostReason; }
    }

    /// <summary>Throws <see cref="LeaseLostException"/> unless the lease is still trusted. Called right before a
    /// call that may act on a service, after the call's in-flight marker is committed.</summary>
    public void EnsureHeld()
    {
        lock (_gate)
        {
            if (_lostReason is null && _clock.GetUtcNow() >= _trustedUntil) Lose(TrustReason);
            if (_lostReason is not null) throw new LeaseLostException(_flow, _lostReason);
        }
    }

    /// <summary>The name the lease is held under, which a fenced write checks in the store
    /// (<see cref="IItemJournal.CompleteItemsUnderLease"/>).</summary>
    public string Owner => _owner;

    /// <summary>The store refused a write fenced by this lease: it names another owner now. The lease is lost exactly as
    /// when a renewal finds another owner (unless it was lost already, whose reason stays), and this throws
    /// <see cref="LeaseLostException"/>.</summary>
    public void FenceRefused()
    {
        lock (_gate)
        {
            if (_lostReason is null) Lose(TakenOverReason);
            throw new LeaseLostException(_flow, _lostReason!);
        }
    }

    private const string TakenOverReason = "another run took over its lease";

    private string TrustReason =>
        $"its lease could not be renewed within {Trust.TotalSeconds:0} s (the state database is unreachable or too slow), so another node may take it over";

    private async Task RenewAsync()
    {
        try
        {
            // Renewals keep to a fixed beat from the acquisition, so a late one does not push the next ones later.
            for (var beat = 1L; ; beat = Math.Max(beat + 1, (_clock.GetUtcNow() - _acquiredAt).Ticks / RenewEvery.Ticks + 1))
            {
                await Task.Delay(Until(_acquiredAt + RenewEvery * beat), _clock, _stopRenewing.Token);
                var sent = _clock.GetUtcNow();
                bool ours;
                try
                {
                    // The store blocks (and retries a broken connection for up to a minute): off the timer's thread.
                    ours = await Task.Run(() => _store.RenewLease(_flow, _owner, _duration, sent), _stopRenewing.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    continue; // not renewed: the trust runs out on its own unless a later renewal succeeds
                }
                lock (_gate)
                {
                    if (_lostReason is not null) return;
                    if (!ours)
                    {
                        Lose(TakenOverReason);
                        return;
                    }
                    if (sent + Trust > _trustedUntil)
                    {
                        _trustedUntil = sent + Trust;
                        _trustRunsOut.Change(Until(_trustedUntil), Timeout.InfiniteTimeSpan);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended
        }
    }

    private void TrustRanOut()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_lostReason is not null) return;
            if (now >= _trustedUntil) Lose(TrustReason);
            else _trustRunsOut.Change(_trustedUntil - now, Timeout.InfiniteTimeSpan);
        }
    }

    private void Lose(string reason)
    {
        _lostReason = reason;
        _stopRenewing.Cancel();
        // Cancelling runs the token's callbacks (an HTTP call being aborted): not under the lock, not on this thread.
        _ = Task.Run(() =>
        {
            try { _lost.Cancel(); }
            catch (ObjectDisposedException) { } // the run had already ended
        });
    }

    private TimeSpan Until(DateTimeOffset time)
    {
        var left = time - _clock.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    public void Dispose()
    {
        _stopRenewing.Cancel();
        _trustRunsOut.Dispose();
        _lost.Dispose();
        _stopRenewing.Dispose();
    }
}
