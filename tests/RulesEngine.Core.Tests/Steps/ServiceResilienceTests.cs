using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;
using RulesEngine.Core.Steps;

namespace RulesEngine.Core.Tests.Steps;

/// <summary>The retry, timeout and pacing every connector's client is built with, on a fake clock.</summary>
public sealed class ServiceResilienceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Retry_WaitsTheRetryAfter_WhenTheServiceGivesOne()
    {
        var time = new FakeTimeProvider();
        var retry = ServiceResilience.Retry(new RetrySettings(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)), time,
            _ => true, e => ((Later)e).After);
        var attempts = 0;

        var call = retry.ExecuteAsync(_ => ++attempts == 1 ? throw new Later(TimeSpan.FromSeconds(10)) : ValueTask.FromResult("ok")).AsTask();

        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("ok", await call.WaitAsync(Patience));
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Retry_CutsALongRetryAfter_ToMaxRetryAfter()
    {
        var time = new FakeTimeProvider();
        var settings = new RetrySettings(2, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)) { MaxRetryAfter = TimeSpan.FromSeconds(5) };
        var retry = ServiceResilience.Retry(settings, time, _ => true, e => ((Later)e).After);
        var attempts = 0;

        var call = retry.ExecuteAsync(_ => ++attempts == 1 ? throw new Later(TimeSpan.FromHours(3)) : ValueTask.FromResult("ok")).AsTask();

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("ok", await call.WaitAsync(Patience));
    }

    [Fact]
    public async Task Retry_TriesMaxAttemptsTimes_ThenLetsTheLastFailureOut()
    {
        var retry = ServiceResilience.Retry(new RetrySettings(4, TimeSpan.Zero, TimeSpan.Zero), TimeProvider.System, _ => true);
        var attempts = 0;

        await Assert.ThrowsAsync<Later>(() => retry.ExecuteAsync<string>(_ => throw new Later(null, ++attempts)).AsTask());

        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task Retry_DoesNotRetry_WhenTheFailureIsNotTransient()
    {
        var retry = ServiceResilience.Retry(new RetrySettings(4, TimeSpan.Zero, TimeSpan.Zero), TimeProvider.System, e => e is not Later);
        var attempts = 0;

        await Assert.ThrowsAsync<Later>(() => retry.ExecuteAsync<string>(_ => throw new Later(null, ++attempts)).AsTask());

        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Retry_StartsNoNewAttempt_WhenTheRunIsStopping()
    {
        var retry = ServiceResilience.Retry(new RetrySettings(4, TimeSpan.Zero, TimeSpan.Zero), TimeProvider.System, _ => true);
        var attempts = 0;
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        using (StepCall.Enter(StepCall.ForStopping(stopped.Token)))
            await Assert.ThrowsAsync<Later>(() => retry.ExecuteAsync<string>(_ => throw new Later(null, ++attempts)).AsTask());

        Assert.Equal(1, attempts);
    }

    [Theory]
    [InlineData(true, 1)]
    [InlineData(false, 0)]
    public async Task Retry_ReportsTheRetriedAttemptRefused_OnlyWhenAsked(bool reportsRefusals, int expectedNotSent)
    {
        var settings = new RetrySettings(2, TimeSpan.Zero, TimeSpan.Zero) { ReportsRefusals = reportsRefusals };
        var retry = ServiceResilience.Retry<int>(settings, TimeProvider.System, outcome => outcome.Result == 429);
        var notSent = 0;
        var answers = new Queue<int>([429, 200]);

        using (StepCall.Enter(StepCall.ForMarker(() => { }, () => notSent++, effectPossible: false)))
            Assert.Equal(200, await retry.ExecuteAsync(_ => ValueTask.FromResult(answers.Dequeue())));

        Assert.Equal(expectedNotSent, notSent);
    }

    [Fact]
    public async Task Retry_WaitsForPacing_BeforeEveryAttempt()
    {
        using var pacing = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        var retry = ServiceResilience.Retry<int>(new RetrySettings(1, TimeSpan.Zero, TimeSpan.Zero), TimeProvider.System, _ => false, pacing: pacing);
        var held = await pacing.AcquireAsync();
        var attempts = 0;

        var call = retry.ExecuteAsync(_ => ValueTask.FromResult(++attempts)).AsTask();

        Assert.False(call.IsCompleted);
        Assert.Equal(0, attempts);
        held.Dispose();
        Assert.Equal(1, await call.WaitAsync(Patience));
    }

    [Fact]
    public async Task AttemptTimeout_EndsAnAttemptThatTakesTooLong()
    {
        var time = new FakeTimeProvider();
        var timeout = ServiceResilience.AttemptTimeout(TimeSpan.FromSeconds(30), time);

        var call = timeout.ExecuteAsync(async token => await Task.Delay(Timeout.InfiniteTimeSpan, token)).AsTask();
        time.Advance(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(Patience));
    }

    [Fact]
    public void RetryAfter_ReadsSecondsAndDates_FromTheAnswer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero));
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Sat, 05 Dec 2026 10:00:42 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Equal(TimeSpan.FromSeconds(7), ServiceResilience.RetryAfter(seconds, time));
        Assert.Equal(TimeSpan.FromSeconds(42), ServiceResilience.RetryAfter(date, time));
        Assert.Null(ServiceResilience.RetryAfter(none, time));
    }

    private sealed class Later(TimeSpan? after, int attempt = 0) : Exception($"later (attempt {attempt})")
    {
        public TimeSpan? After { get; } = after;
    }
}
