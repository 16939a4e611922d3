using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace RulesEngine.Connectors.HelpCrunch.Tests;

/// <summary>
/// The pacing window HelpCrunch clients share: a permit comes back exactly a minute after it was spent. The runtime's
/// sliding window (12 segments of 5 s), used before, gave a permit spent at 4.9 s back at 60 s, so at the real limit
/// a few requests reached HelpCrunch's own exact window early and were refused with 429.
/// </summary>
public sealed class ExactWindowLimiterTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task APermit_ComesBackExactlyAMinuteAfterItWasSpent_NotAtASegmentBoundary()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ExactWindowLimiter(2, Minute, time);

        Assert.True(limiter.AttemptAcquire().IsAcquired);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        var third = limiter.AcquireAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(55.09)); // 59.99 s
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.01)); // 60 s: the first permit is back
        Assert.True((await third.WaitAsync(Generous)).IsAcquired);

        var fourth = limiter.AcquireAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(4.8)); // 64.8 s: a 5-second segment would have given the second permit back at 60 s
        Assert.False(fourth.IsCompleted);
        Assert.Equal(0, limiter.GetStatistics().CurrentAvailablePermits);
        time.Advance(TimeSpan.FromSeconds(0.1)); // 64.9 s
        Assert.True((await fourth.WaitAsync(Generous)).IsAcquired);
    }

    [Fact]
    public async Task Waiters_AreServedInTheOrderTheyCame_AndATryDoesNotPassThem()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ExactWindowLimiter(1, Minute, time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);

        var first = limiter.AcquireAsync().AsTask();
        var second = limiter.AcquireAsync().AsTask();
        time.Advance(Minute);
        Assert.True((await first.WaitAsync(Generous)).IsAcquired);
        Assert.False(limiter.AttemptAcquire().IsAcquired);
        Assert.False(second.IsCompleted);

        time.Advance(Minute);
        Assert.True((await second.WaitAsync(Generous)).IsAcquired);
        Assert.Equal(3, limiter.GetStatistics().TotalSuccessfulLeases);
        Assert.Equal(1, limiter.GetStatistics().TotalFailedLeases);
    }

    [Fact]
    public async Task ACancelledWait_TakesNoPermit()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ExactWindowLimiter(1, Minute, time);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        using var stop = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(1, stop.Token).AsTask();
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Generous));
        time.Advance(Minute);
        Assert.True(limiter.AttemptAcquire().IsAcquired);
        Assert.Equal(0, limiter.GetStatistics().CurrentQueuedCount);
    }

    [Fact]
    public void ManyPermitsAtOnce_WaitForEnoughToComeBack()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ExactWindowLimiter(3, Minute, time);
        Assert.True(limiter.AttemptAcquire(2).IsAcquired);
        time.Advance(TimeSpan.FromSeconds(10));
        Assert.True(limiter.AttemptAcquire(1).IsAcquired);
        time.Advance(TimeSpan.FromSeconds(50)); // the first two are back
        Assert.Equal(2, limiter.GetStatistics().CurrentAvailablePermits);
        Assert.False(limiter.AttemptAcquire(3).IsAcquired);
        Assert.Throws<ArgumentOutOfRangeException>(() => limiter.AttemptAcquire(4));
    }

    /// <summary>HelpCrunch counts a request when it arrives; a lease held through its call counts from the call's end,
    /// so a slow first call (a new connection) cannot make the next minute's first request arrive early.</summary>
    [Fact]
    public async Task APermitHeldThroughItsCall_ComesBackAMinuteAfterTheCallEnded()
    {
        var time = new FakeTimeProvider();
        using var limiter = new ExactWindowLimiter(1, Minute, time);
        var call = limiter.AttemptAcquire();
        Assert.True(call.IsAcquired);
        time.Advance(TimeSpan.FromSeconds(2)); // the call takes 2 s
        call.Dispose();
        call.Dispose(); // twice changes nothing

        var next = limiter.AcquireAsync().AsTask();
        time.Advance(TimeSpan.FromSeconds(59)); // 61 s: a minute after the grant, not after the call
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1)); // 62 s
        Assert.True((await next.WaitAsync(Generous)).IsAcquired);
    }
}
