using Microsoft.Extensions.Time.Testing;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>
/// What the client tells the engine between attempts (<see cref="StepCall"/>), on fake time: a send Telegram certainly
/// refused is "not sent" for the whole retry wait (a process killed in that wait sends again next run); an attempt that
/// may have been delivered never is. And a stop: no new attempt, no new wait.
/// </summary>
public sealed class RetryWaitTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private TelegramEmulator _emulator = null!;
    private TelegramClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TelegramEmulator.StartAsync();
        _client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl), timeProvider: _time);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    public async Task Refused_MarksNotSentDuringTheWait_ThenSendingAgain(int status)
    {
        _emulator.Faults.FailNext(status == 429 ? Fault.RateLimited(4) : Fault.Status(500));
        var marker = new MarkerLog();

        Task<StepOutcome> send;
        using (StepCall.Enter(StepCall.ForMarker(marker.Sending, marker.NotSent, effectPossible: false)))
            send = TestTelegram.Sender(_client).SendAsync("-1001", "alert", default);

        // Waiting to retry: the journal says nothing was sent, and nothing was.
        await marker.NotSentSeen.Task.WaitAsync(Patience);
        Assert.Empty(_emulator.SentMessages);
        await AdvanceUntil(() => marker.Entries.Contains("sending") || send.IsCompleted);
        var outcome = await send.WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(["not sent", "sending"], marker.Entries);
        Assert.Single(_emulator.SentMessages);
    }

    [Fact]
    public async Task MaybeDelivered_NeverMarksNotSent()
    {
        // A 502 from a proxy (not the Bot API's envelope) may come after Telegram delivered the message.
        _emulator.Faults.FailNext(Fault.Answer("<html>502 Bad Gateway</html>", 502, "text/html"));
        var marker = new MarkerLog();

        StepOutcome outcome;
        using (StepCall.Enter(StepCall.ForMarker(marker.Sending, marker.NotSent, effectPossible: false)))
            outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "alert", default).WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect);
        Assert.Empty(marker.Entries);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
    }

    [Fact]
    public async Task Stop_DuringTheRetryWait_StartsNoNewAttempt_AndHoldsSayingNothingWasSent()
    {
        _emulator.Faults.FailNext(Fault.RateLimited(4));
        using var stopping = new CancellationTokenSource();
        var marker = new MarkerLog();

        Task<StepOutcome> send;
        using (StepCall.Enter(StepCall.ForMarker(marker.Sending, marker.NotSent, effectPossible: false).WithStopping(stopping.Token)))
            send = TestTelegram.Sender(_client).SendAsync("-1001", "alert", default);
        await marker.NotSentSeen.Task.WaitAsync(Patience);
        await stopping.CancelAsync();
        var outcome = await send.WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.True(outcome.NoEffect);
        Assert.Contains("not retried: the run is stopping", outcome.Error, StringComparison.Ordinal);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
    }

    [Fact]
    public async Task Stop_BeforeTheCall_SendsNothing()
    {
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();
        // A 30 s pacing slot is reserved first, so the send has to wait for it: the stop cuts that wait.
        using var paced = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, perChatInterval: TimeSpan.FromSeconds(30)), timeProvider: _time);
        await TestTelegram.Sender(paced).SendAsync("-1001", "first", default).WaitAsync(Patience);

        StepOutcome outcome;
        using (StepCall.Enter(StepCall.ForStopping(stopping.Token)))
            outcome = await TestTelegram.Sender(paced).SendAsync("-1001", "second", default).WaitAsync(Patience);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.True(outcome.NoEffect);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
    }

    /// <summary>Moves fake time on in small steps until <paramref name="done"/>: the retry's timer may be created
    /// just after the signal that the wait began, and a single big step could come before it.</summary>
    private async Task AdvanceUntil(Func<bool> done)
    {
        for (var i = 0; i < 3000 && !done(); i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
            await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System);
        }
        Assert.True(done(), "the retry never started");
    }

    private sealed class MarkerLog
    {
        private readonly object _gate = new();
        private readonly List<string> _entries = [];

        public TaskCompletionSource NotSentSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> Entries
        {
            get
            {
                lock (_gate) return [.. _entries];
            }
        }

        public void Sending()
        {
            lock (_gate) _entries.Add("sending");
        }

        public void NotSent()
        {
            lock (_gate) _entries.Add("not sent");
            NotSentSeen.TrySetResult();
        }
    }
}
