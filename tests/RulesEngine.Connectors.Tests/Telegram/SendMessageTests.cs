using System.Text.Json;
using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;
using Telegram.Bot.Types.Enums;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>The per-item behaviour of telegram.sendMessage over real HTTP against the emulator.</summary>
public sealed class SendMessageTests : IAsyncLifetime
{
    private TelegramEmulator _emulator = null!;
    private TelegramClient _client = null!;

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

    [Fact]
    public async Task SendMessage_Succeeds_AndRecordsMessage()
    {
        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001234567890", "Could not create a@b.c\nsee the run", default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var sent = Assert.Single(_emulator.SentMessages);
        Assert.Equal("-1001234567890", sent.ChatId);
        Assert.Equal("Could not create a@b.c\nsee the run", sent.Text);
        Assert.Null(sent.ParseMode);
        Assert.Equal(sent.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Output[MessageSender.OutputMessageId]);
        Assert.Equal(1, outcome.ToResult().Result);
    }

    [Theory]
    [InlineData("-1001", JsonValueKind.Number)]
    [InlineData("42", JsonValueKind.Number)]
    [InlineData("@alerts_channel", JsonValueKind.String)]
    public async Task SendMessage_SendsChatIdAsNumberOrUsername(string chatId, JsonValueKind expectedKind)
    {
        var outcome = await TestTelegram.Sender(_client).SendAsync(chatId, "hello", default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var request = Assert.Single(_emulator.Received);
        Assert.Equal("POST", request.Method);
        using var body = JsonDocument.Parse(request.Body);
        var chat = body.RootElement.GetProperty("chat_id");
        Assert.Equal(expectedKind, chat.ValueKind);
        Assert.Equal(chatId, chat.ValueKind == JsonValueKind.Number ? chat.GetRawText() : chat.GetString());
        Assert.False(body.RootElement.TryGetProperty("parse_mode", out _));
        Assert.Equal(chatId, Assert.Single(_emulator.SentMessages).ChatId);
    }

    [Fact]
    public async Task SendMessage_SendsParseModeAndDisabledLinkPreview()
    {
        var outcome = await TestTelegram.Sender(_client, ParseMode.Html, disableLinkPreview: true).SendAsync("-1001", "<b>bold</b> https://x.example", default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var sent = Assert.Single(_emulator.SentMessages);
        Assert.Equal("Html", sent.ParseMode);
        Assert.True(sent.LinkPreviewDisabled);
    }

    [Fact]
    public async Task SendMessage_FailsWithApiText_WhenChatNotFound()
    {
        _emulator.RestrictChats("-1001");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1002", "hello", default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("Telegram 400: Bad Request: chat not found", outcome.Error);
        Assert.Equal(0, outcome.ToResult().Result);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator)); // a permanent error is not retried
    }

    [Fact]
    public async Task SendMessage_WaitsRetryAfter_ThenSucceeds_When429()
    {
        // On a fake clock: the retry must wait retry_after (1 s) and not a moment less, however loaded the machine.
        var time = new RecordingTimeProvider();
        using var client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl), timeProvider: time);
        _emulator.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 1), "sendMessage");

        var sending = TestTelegram.Sender(client).SendAsync("-1001", "hello", default);
        await time.WaitForScheduledAsync(TimeSpan.FromSeconds(1), () => sending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
        Assert.False(sending.IsCompleted, "the send finished before retry_after had passed");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await sending.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(2, TestTelegram.SendRequests(_emulator));
        Assert.Equal(429, _emulator.Received[0].FaultStatus);
        Assert.Single(_emulator.SentMessages);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task SendMessage_RetriesServerErrors_ThenSucceeds(int status)
    {
        _emulator.Faults.FailNext(Fault.Status(status), "sendMessage");
        _emulator.Faults.FailNext(Fault.Status(status), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Equal(3, TestTelegram.SendRequests(_emulator));
        Assert.Single(_emulator.SentMessages);
    }

    [Fact]
    public async Task SendMessage_IsHeld_WhenServerErrorsOutlastRetries()
    {
        for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Status(500), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal("Telegram 500: Internal Server Error (gave up after 3 attempts)", outcome.Error);
        Assert.Null(outcome.ToResult().Result); // held items are not routed as failures
        Assert.Empty(_emulator.SentMessages);
    }

    [Fact]
    public async Task SendMessage_IsHeld_WhenConnectionDropsOnEveryAttempt()
    {
        for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Drop(), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        // A connection lost mid-request may have delivered the message: at most once, so no retry.
        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect);
        Assert.StartsWith("Telegram could not be reached", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("gave up after 1 attempt", outcome.Error, StringComparison.Ordinal);
        // Not asserted on the server side: a retry can fail on a pooled connection the server just aborted,
        // before the request reaches it.
        Assert.Empty(_emulator.SentMessages);
    }

    [Fact]
    public async Task SendMessage_IsNotRetried_WhenTheConnectionDropsMidRequest()
    {
        _emulator.Faults.FailNext(Fault.Drop(), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        // Telegram may have delivered it before the connection dropped: not sent again (at most once).
        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.False(outcome.NoEffect);
        Assert.Single(_emulator.Received);
    }

    [Fact]
    public async Task SendMessage_IsRetried_WhenTelegramAnswered500()
    {
        _emulator.Faults.FailNext(Fault.Status(500), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        // The Bot API answering an error means it did not send: retrying cannot duplicate.
        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        Assert.Single(_emulator.SentMessages);
    }

    [Fact]
    public async Task SendMessage_IsHeld_WhenEveryAttemptTimesOut()
    {
        // The service would take 10 minutes; on a fake clock, the 0.5 s timeout must cut the attempt.
        var time = new RecordingTimeProvider();
        using var client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, timeout: TimeSpan.FromMilliseconds(500)), timeProvider: time);
        for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)), "sendMessage");

        var sending = TestTelegram.Sender(client).SendAsync("-1001", "hello", default);
        await time.WaitForScheduledAsync(TimeSpan.FromMilliseconds(500), () => sending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var outcome = await sending.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal("Telegram did not answer within 0.5 s (gave up after 1 attempt)", outcome.Error);
        Assert.False(outcome.NoEffect);
    }

    [Fact]
    public async Task SendMessage_IsHeld_WhenServiceIsUnreachable()
    {
        // Port 1 on loopback: nothing listens, so the connection is refused.
        using var client = new TelegramClient(TestTelegram.Options("http://127.0.0.1:1"));

        var outcome = await TestTelegram.Sender(client).SendAsync("-1001", "hello", default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.StartsWith("Telegram could not be reached", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMessage_IsHeldWithoutWaiting_WhenRetryAfterExceedsTheLimit()
    {
        _emulator.Faults.FailNext(Fault.RateLimited(retryAfterSeconds: 3600), "sendMessage");

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", "hello", default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.Equal("Telegram 429: Too Many Requests: retry after 3600 (more than maxRetryAfterSeconds 5: not waited for)", outcome.Error);
        Assert.Equal(1, TestTelegram.SendRequests(_emulator));
    }

    [Fact]
    public async Task SendMessage_SplitsTextOver4096Characters_IntoTwoMessages()
    {
        var lines = Enumerable.Range(1, 100).Select(i => $"{i:D3} " + new string('x', 46)); // 100 lines of 50 characters
        var text = string.Join("\n", lines);
        Assert.Equal(5099, text.Length);

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", text, default);

        Assert.Equal(OutcomeStatus.Succeeded, outcome.Status);
        var sent = _emulator.SentMessages;
        Assert.Equal(2, sent.Count);
        Assert.All(sent, m => Assert.True(m.Text.Length <= 4096));
        Assert.StartsWith("001 ", sent[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("x", sent[0].Text, StringComparison.Ordinal); // cut at a line break, not mid-line
        Assert.Equal(text, sent[0].Text + "\n" + sent[1].Text);
        Assert.Equal($"{sent[0].MessageId},{sent[1].MessageId}", outcome.Output[MessageSender.OutputMessageIds]);
        Assert.Equal(sent[0].MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), outcome.Output[MessageSender.OutputMessageId]);
    }

    [Fact]
    public async Task SendMessage_IsHeld_WhenALaterPartCannotBeSent_AndSaysHowManyWent()
    {
        _emulator.LimitPerChat(TimeSpan.FromSeconds(30)); // part 2 meets a retry_after longer than the client waits
        var text = new string('a', 4000) + "\n" + new string('b', 1000);

        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", text, default);

        Assert.Equal(OutcomeStatus.Held, outcome.Status);
        Assert.EndsWith("(part 2 of 2; 1 sent before it)", outcome.Error, StringComparison.Ordinal);
        Assert.StartsWith("Telegram 429: Too Many Requests: retry after ", outcome.Error, StringComparison.Ordinal);
        Assert.Single(_emulator.SentMessages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public async Task SendMessage_Fails_WhenTextIsEmpty(string text)
    {
        var outcome = await TestTelegram.Sender(_client).SendAsync("-1001", text, default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Equal("message text is empty", outcome.Error);
        Assert.Empty(_emulator.Received);
    }

    [Theory]
    [InlineData("", "chat id is empty")]
    [InlineData("alerts", "chat id 'alerts' is not a Telegram chat")]
    [InlineData("-100 123", "is not a Telegram chat")]
    [InlineData("@", "is not a Telegram chat")]
    public async Task SendMessage_Fails_WhenChatIdIsInvalid_WithoutARequest(string chatId, string expected)
    {
        var outcome = await TestTelegram.Sender(_client).SendAsync(chatId, "hello", default);

        Assert.Equal(OutcomeStatus.Failed, outcome.Status);
        Assert.Contains(expected, outcome.Error, StringComparison.Ordinal);
        Assert.Empty(_emulator.Received);
    }

    [Fact]
    public async Task SendMessage_PacesMessagesToOneChat_InsteadOfHitting429()
    {
        // On a fake clock: the second message to a chat waits the whole interval after the first, and not less.
        var time = new RecordingTimeProvider();
        using var client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, perChatInterval: TimeSpan.FromMilliseconds(400)), timeProvider: time);
        var sender = TestTelegram.Sender(client);
        Assert.Equal(OutcomeStatus.Succeeded, (await sender.SendAsync("-1001", "message 0", default)).Status);

        var second = sender.SendAsync("-1001", "message 1", default);
        await time.WaitForScheduledAsync(TimeSpan.FromMilliseconds(400), () => second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.Single(_emulator.SentMessages);
        Assert.False(second.IsCompleted, "the second message went out before the interval had passed");
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(OutcomeStatus.Succeeded, (await second.WaitAsync(TimeSpan.FromMinutes(1))).Status);
        Assert.Equal(["message 0", "message 1"], _emulator.SentMessages.Select(m => m.Text));
        Assert.Equal(2, TestTelegram.SendRequests(_emulator)); // no 429, so no retries
    }

    [Fact]
    public void Preview_ShowsTheRequest_WithTheTokenMasked_AndSendsNothing()
    {
        var preview = TestTelegram.Sender(_client, ParseMode.Html, disableLinkPreview: true).Preview("-1001", "hi <b>x</b>");

        var request = Assert.Single(preview.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"{_emulator.BaseUrl}/bot***/sendMessage", request.Url);
        Assert.Equal("""{"chat_id":-1001,"text":"hi \u003Cb\u003Ex\u003C/b\u003E","parse_mode":"Html","link_preview_options":{"is_disabled":true}}""", request.Body);
        Assert.Equal(OutcomeStatus.Succeeded, preview.Predicted.Status);
        Assert.Empty(_emulator.Received);
    }

    [Theory]
    [InlineData("@alerts", ParseMode.MarkdownV2, false)]
    [InlineData("-1001", ParseMode.None, false)]
    [InlineData("42", ParseMode.Markdown, true)]
    public async Task Preview_Body_IsWhatTheClientSends(string chatId, ParseMode parseMode, bool disableLinkPreview)
    {
        var sender = TestTelegram.Sender(_client, parseMode, disableLinkPreview);
        var preview = sender.Preview(chatId, "*hello*\nsecond line");

        await sender.SendAsync(chatId, "*hello*\nsecond line", default);

        Assert.Equal(Assert.Single(preview.Requests).Body, Assert.Single(_emulator.Received).Body);
    }

    [Fact]
    public void Preview_PredictsFailure_ForAnInvalidChatId()
    {
        var preview = TestTelegram.Sender(_client).Preview("not a chat", "hello");

        Assert.Empty(preview.Requests);
        Assert.Equal(OutcomeStatus.Failed, preview.Predicted.Status);
    }

    [Fact]
    public void Preview_ShowsOneRequestPerPart_ForLongText()
    {
        var preview = TestTelegram.Sender(_client).Preview("-1001", new string('a', 3000) + "\n" + new string('b', 3000));

        Assert.Equal(2, preview.Requests.Count);
    }
}
