using Microsoft.Extensions.Time.Testing;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>
/// The pacer against timers that fire a little early, as the runtime's do on Linux (they count whole milliseconds of
/// a coarse clock): a send must still not start before its slot by the clock, or Telegram answers 429.
/// </summary>
public sealed class TelegramPacerTests
{
    private static readonly TimeSpan Early = TimeSpan.FromMilliseconds(3);

    [Fact]
    public async Task ASend_WaitsForItsSlotByTheClock_WhenTheTimerFiresEarly()
    {
        var fake = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var time = new EarlyTimers(fake, Early);
        var pacer = new TelegramPacer(TimeSpan.FromSeconds(1), messagesPerSecond: 30, time);

        await pacer.WaitTurnAsync("-1001", default); // the first send goes at once
        pacer.Finished("-1001");
        var second = pacer.WaitTurnAsync("-1001", default);

        fake.Advance(TimeSpan.FromSeconds(1) - Early); // the early timer fires here
        await Task.Yield();
        Assert.False(second.IsCompleted, "the second send was let go before its slot");
        fake.Advance(Early);
        await second.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromSeconds(1), fake.GetUtcNow() - new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task ASendWhoseSlotIsFree_GoesAtOnce_AndTheNextWaitsForTheOverallLimit()
    {
        var fake = new FakeTimeProvider();
        var pacer = new TelegramPacer(TimeSpan.FromSeconds(1), messagesPerSecond: 30, fake);

        Assert.True(pacer.WaitTurnAsync("-1001", default).IsCompletedSuccessfully);
        var other = pacer.WaitTurnAsync("-1002", default);
        Assert.False(other.IsCompleted);
        fake.Advance(TimeSpan.FromSeconds(1.0 / 30));
        Assert.False(other.IsCompleted); // waits are whole milliseconds, rounded up: 34 ms here
        fake.Advance(TimeSpan.FromMilliseconds(1));
        await other.WaitAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>A clock whose timers fire <c>early</c> before their time.</summary>
    private sealed class EarlyTimers(FakeTimeProvider inner, TimeSpan early) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime > early ? dueTime - early : dueTime, period);
    }
}
