namespace RulesEngine.Connectors.GoogleSheets;

/// <summary>
/// Keeps reads within a per-minute budget (Google's per-user read quota), so a busy poller waits instead of
/// collecting 429s. A sliding window, not a fixed spacing: a handful of reads still go out at once.
/// </summary>
internal sealed class ReadPacer(int readsPerMinute, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Queue<DateTimeOffset> _recent = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task WaitTurnAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                while (_recent.Count > 0 && now - _recent.Peek() >= Window) _recent.Dequeue();
                if (_recent.Count < readsPerMinute)
                {
                    _recent.Enqueue(now);
                    return;
                }
                await Task.Delay(_recent.Peek() + Window - now, time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
