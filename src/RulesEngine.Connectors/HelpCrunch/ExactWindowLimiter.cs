using System.Threading.RateLimiting;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// At most <c>permitLimit</c> permits in any <c>window</c>: each permit comes back exactly one window after it was
/// granted, which is how HelpCrunch counts its 120 requests a minute (and how its emulator does). The runtime's
/// <see cref="SlidingWindowRateLimiter"/> moves in segments (5 s with 12 a minute), so a permit granted late in a
/// segment came back up to a segment early and requests at the real limit drew a few 429s. Waiters are served in the
/// order they came.
/// <para>
/// HelpCrunch counts a request when it arrives, some time after the permit was granted; a first request that opens a
/// connection arrives later than the ones after it, so a window counted from the grants alone still let a request in
/// a little early. A permit held until its call ended (the lease disposed after the call, as the resilience pipeline
/// does) is counted from that end instead: by then the request has arrived, so the window never opens early.
/// </para>
/// </summary>
internal sealed class ExactWindowLimiter : RateLimiter
{
    private readonly int _permitLimit;
    private readonly long _window; // in the time provider's timestamp units
    private readonly TimeProvider _time;
    private readonly Queue<Permit> _granted = new(); // the permits still inside the window, in the order they were granted
    private readonly SemaphoreSlim _turn = new(1, 1); // one waiter at a time waits for the next free permit
    private readonly object _gate = new();
    private long _successful;
    private long _failed;
    private int _queued;
    private long? _lastReturned; // when the last permit came back

    public ExactWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        _permitLimit = permitLimit;
        _time = time;
        _window = (long)(window.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>How long every permit has been free, or null while one is in use or a call waits.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                var now = _time.GetTimestamp();
                if (_queued > 0 || Live(now) > 0) return null;
                return _lastReturned is { } returned ? _time.GetElapsedTime(returned, now) : TimeSpan.Zero;
            }
        }
    }

    public override RateLimiterStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - Live(_time.GetTimestamp()),
                CurrentQueuedCount = _queued,
                TotalSuccessfulLeases = _successful,
                TotalFailedLeases = _failed,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
        lock (_gate)
        {
            // Waiting calls came first: a call that does not wait may not pass them.
            if (_queued == 0 && TryGrant(permitCount, _time.GetTimestamp(), out var lease, out _)) return lease;
            _failed++;
            return Lease.Refused;
        }
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
        lock (_gate) _queued++;
        try
        {
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (true)
                {
                    TimeSpan wait;
                    lock (_gate)
                        if (TryGrant(permitCount, _time.GetTimestamp(), out var lease, out wait)) return lease;
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _turn.Release();
            }
        }
        finally
        {
            lock (_gate) _queued--;
        }
    }

    /// <summary>Grants the permits if the window has room now; otherwise says how long until enough come back.</summary>
    private bool TryGrant(int permitCount, long now, out RateLimitLease lease, out TimeSpan wait)
    {
        var live = Live(now);
        if (live + permitCount <= _permitLimit)
        {
            var permits = new Permit[permitCount];
            for (var i = 0; i < permitCount; i++) _granted.Enqueue(permits[i] = new Permit(now));
            _successful++;
            (lease, wait) = (new Lease(this, permits), TimeSpan.Zero);
            return true;
        }
        // The permit that frees enough room is the (live + permitCount - limit)-th oldest. (A permit counted from its
        // call's end may free later than one behind it: then this wait is too short and the loop waits again.)
        var freeing = _granted.ElementAt(live + permitCount - _permitLimit - 1);
        wait = TimeSpan.FromSeconds((double)(freeing.CountedFrom + _window - now) / _time.TimestampFrequency);
        if (wait <= TimeSpan.Zero) wait = TimeSpan.FromTicks(1);
        lease = Lease.Refused;
        return false;
    }

    /// <summary>Permits counted from less than a window ago; the older ones are returned. In grant order, so a permit
    /// whose call ran long holds back those granted after it: late, never early.</summary>
    private int Live(long now)
    {
        while (_granted.Count > 0 && now - _granted.Peek().CountedFrom >= _window)
            _lastReturned = _granted.Dequeue().CountedFrom + _window;
        return _granted.Count;
    }

    /// <summary>The lease's call ended: its permits count from now.</summary>
    private void Ended(Permit[] permits)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            foreach (var permit in permits) permit.CountedFrom = Math.Max(permit.CountedFrom, now);
        }
    }

    private sealed class Permit(long grantedAt)
    {
        public long CountedFrom { get; set; } = grantedAt;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _turn.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Lease(ExactWindowLimiter? limiter, Permit[] permits) : RateLimitLease
    {
        public static readonly Lease Refused = new(null, []);
        private int _ended;

        public override bool IsAcquired => limiter is not null;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _ended, 1) == 0) limiter?.Ended(permits);
            base.Dispose(disposing);
        }
    }
}
