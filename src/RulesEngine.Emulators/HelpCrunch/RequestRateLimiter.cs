namespace RulesEngine.Connectors.HelpCrunch.Emulator;

/// <summary>A one-minute sliding window, like HelpCrunch's documented 120 requests per minute.</summary>
internal sealed class RequestRateLimiter(int perMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _accepted = new();
    private readonly object _gate = new();

    /// <summary>Null when the request may go ahead; otherwise how long until it would be accepted.</summary>
    public TimeSpan? TryAccept()
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_accepted.Count > 0 && now - _accepted.Peek() >= Window) _accepted.Dequeue();
            if (_accepted.Count >= perMinute) return _accepted.Peek() + Window - now;
            _accepted.Enqueue(now);
            return null;
        }
    }
}
