using Microsoft.Extensions.Time.Testing;

namespace RulesEngine.Connectors.Telegram.Tests.Support;

/// <summary>
/// A fake clock that also records every wait scheduled on it (a timer's due time, also when a timer is re-armed,
/// as <c>CancelAfter</c> does for a timeout). A test waits until the client has scheduled the wait it expects, then
/// moves the clock: nothing depends on how fast the machine is.
/// </summary>
internal sealed class RecordingTimeProvider() : FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 9, 0, 0, TimeSpan.Zero))
{
    private readonly List<TimeSpan> _waits = [];

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_waits) return [.. _waits];
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        Record(dueTime);
        return new RecordingTimer(base.CreateTimer(callback, state, dueTime, period), this);
    }

    /// <summary>Waits (in real time, generously) until a wait of exactly <paramref name="due"/> has been scheduled.</summary>
    public async Task WaitForScheduledAsync(TimeSpan due, Func<bool>? gaveUp = null)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (!Waits.Contains(due))
        {
            Assert.False(gaveUp?.Invoke() == true, $"the call ended before a wait of {due} was scheduled; waits: {string.Join(", ", Waits)}");
            Assert.False(patience.IsCancellationRequested, $"no wait of {due} was scheduled; waits: {string.Join(", ", Waits)}");
            await Task.Delay(10, CancellationToken.None);
        }
    }

    private void Record(TimeSpan due)
    {
        if (due == Timeout.InfiniteTimeSpan) return;
        lock (_waits) _waits.Add(due);
    }

    private sealed class RecordingTimer(ITimer inner, RecordingTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            owner.Record(dueTime);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
