using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Emulation;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>
/// The hostile-answers corpus for Telegram (<see cref="MalformedAnswers"/>): a 200 that is not <c>{"ok":true,
/// "result":Message}</c> with a usable message_id is the service misbehaving, never a sent message and never
/// "Telegram said no" (a permanent failure). The row is held with the answer quoted; it may have been delivered, so
/// the step's delivery policy decides on the next run.
/// </summary>
public sealed class HostileAnswersTests : IAsyncLifetime
{
    private TelegramEmulator _emulator = null!;
    private TelegramClient _client = null!;

    public static TheoryData<string> Answers => [.. MalformedAnswers.SendMessage.Keys];

    public async Task InitializeAsync()
    {
        _emulator = await TelegramEmulator.StartAsync();
        _client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task SendMessage_HoldsQuotingTheAnswer_AndDoesNotRetry_WhenTheAnswerIsMalformed(string name)
    {
        var fault = MalformedAnswers.SendMessage[name];
        _emulator.Faults.FailNext(fault);

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001234567890", "alert", default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Contains("not the Bot API's answer", outcome.Error, StringComparison.Ordinal);
        var quoted = string.Concat(fault.Body.Select(c => char.IsControl(c) ? ' ' : c)).Trim();
        Assert.Contains(quoted.Length == 0 ? "(empty)" : quoted[..Math.Min(quoted.Length, 40)], outcome.Error, StringComparison.Ordinal);
        // It may have been delivered: not retried in the call, and the resume policy decides.
        Assert.False(outcome.NoEffect);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
        Assert.DoesNotContain(TelegramEmulator.DefaultToken, outcome.Error, StringComparison.Ordinal);
    }

    /// <summary>The step reads one field of the sent <c>Message</c>, its id. Fields it does not read cannot make a
    /// delivered message look undelivered (with a resending delivery policy that would send the alert twice).</summary>
    [Theory]
    [InlineData("""{"ok": true, "result": {"message_id": 7, "date": "yesterday", "chat": {"id": 1, "type": "private"}}}""")]
    [InlineData("""{"ok": true, "result": {"message_id": 7, "chat": {"id": "one", "type": 42}, "entities": "none"}}""")]
    [InlineData("""{"ok": true, "result": {"message_id": 7, "date": 1700000000, "chat": {"id": 1, "type": "private"}, "reply_markup": [1, 2], "poll": null}}""")]
    public async Task SendMessage_Succeeds_WhenOnlyFieldsItDoesNotReadAreOdd(string answer)
    {
        _emulator.Faults.FailNext(Fault.Answer(answer));

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001234567890", "alert", default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal("7", outcome.Output[MessageSender.OutputMessageId]);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
    }
}
