using System.Threading.RateLimiting;

namespace RulesEngine.Connectors.HelpCrunch;

/// <summary>
/// At most <c>permitLimit</c> permits in any <c>window</c>: each permit comes back exactly one window after it was
/// granted, which is how HelpCrunch counts its 120 requests a minute (and how its emulator does). The runtime's
/// <see cref="SlidingWindowRateLimiter"/> moves in segments (5 s with 12 a minute), so a permit granted late in a
/// segment came back up to a segment early and requests at the real limit drew a few 429s. Waiters are served in the
/// order they came.
/// </summary>
internal sealed class ExactWindowLimiter : RateLimiter
{
    private readonly int _permitLimit;
    private readonly long _window; // in the time provider's timestamp units
    private readonly TimeProvider _time;
    private readonly Queue<long> _granted = new(); // when each permit still inside the window was granted
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
            if (_queued == 0 && TryGrant(permitCount, _time.GetTimestamp(), out _)) return Lease.Granted;
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
                        if (TryGrant(permitCount, _time.GetTimestamp(), out wait)) return Lease.Granted;
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
    private bool TryGrant(int permitCount, long now, out TimeSpan wait)
    {
        var live = Live(now);
        if (live + permitCount <= _permitLimit)
        {
            for (var i = 0; i < permitCount; i++) _granted.Enqueue(now);
            _successful++;
            wait = TimeSpan.Zero;
            return true;
        }
        // The permit that frees enough room is the (live + permitCount - limit)-th oldest.
        var freeing = _granted.ElementAt(live + permitCount - _permitLimit - 1);
        wait = TimeSpan.FromSeconds((double)(freeing + _window - now) / _time.TimestampFrequency);
        if (wait <= TimeSpan.Zero) wait = TimeSpan.FromTicks(1);
        return false;
    }

    /// <summary>Permits granted less than a window ago; the older ones are returned.</summary>
    private int Live(long now)
    {
        while (_granted.Count > 0 && now - _granted.Peek() >= _window)
            _lastReturned = _granted.Dequeue() + _window;
        return _granted.Count;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _turn.Dispose();
        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
