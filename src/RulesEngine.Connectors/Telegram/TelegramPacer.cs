namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// Spaces sends so a flow waits instead of hitting Telegram's flood limits: at most one message per
/// <c>perChatInterval</c> to one chat and <c>messagesPerSecond</c> overall. Each call reserves the next free slot
/// and waits for it, so concurrent senders queue up in order rather than racing.
/// </summary>
internal sealed class TelegramPacer(TimeSpan perChatInterval, int messagesPerSecond, TimeProvider time)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, DateTimeOffset> _nextPerChat = new(StringComparer.Ordinal);
    private readonly TimeSpan _globalInterval = TimeSpan.FromSeconds(1.0 / messagesPerSecond);
    private DateTimeOffset _nextGlobal = DateTimeOffset.MinValue;

    public Task WaitTurnAsync(string chat, CancellationToken cancellationToken)
    {
        DateTimeOffset slot;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            slot = now;
            if (_nextGlobal > slot) slot = _nextGlobal;
            if (_nextPerChat.TryGetValue(chat, out var chatNext) && chatNext > slot) slot = chatNext;
            _nextGlobal = slot + _globalInterval;
            _nextPerChat[chat] = slot + perChatInterval;
            if (_nextPerChat.Count > 10_000) Forget(now);
            if (slot <= now) return Task.CompletedTask;
        }
        return UntilAsync(slot, cancellationToken);
    }

    /// <summary>Waits until the clock reads <paramref name="slot"/>. One timer is not enough: the runtime's timers
    /// count whole milliseconds of a coarse clock (a few milliseconds on Linux), so one may fire just before its time
    /// by the clock Telegram's arrivals are counted on, and a send that lands a millisecond early is answered 429 and
    /// waits a whole second more (session 19 saw 0.001 to 0.006 such 429s a row).</summary>
    private async Task UntilAsync(DateTimeOffset slot, CancellationToken cancellationToken)
    {
        for (var left = slot - time.GetUtcNow(); left > TimeSpan.Zero; left = slot - time.GetUtcNow())
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds)), time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Called when a send to <paramref name="chat"/> has finished: the next one to that chat starts no earlier than
    /// an interval after this. Telegram counts arrivals, and a request that was slow to arrive would otherwise let
    /// the next one land inside the window although their starts were an interval apart.
    /// </summary>
    public void Finished(string chat)
    {
        lock (_gate)
        {
            var after = time.GetUtcNow() + perChatInterval;
            if (!_nextPerChat.TryGetValue(chat, out var next) || next < after) _nextPerChat[chat] = after;
        }
    }

    // Chats whose slot has passed carry no information; dropping them keeps a long-running daemon's memory flat.
    private void Forget(DateTimeOffset now)
    {
        foreach (var chat in _nextPerChat.Where(p => p.Value <= now).Select(p => p.Key).ToList())
            _nextPerChat.Remove(chat);
    }
}
