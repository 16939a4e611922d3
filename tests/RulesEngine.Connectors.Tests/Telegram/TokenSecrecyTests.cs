using RulesEngine.Connectors.Telegram.Emulator;
using RulesEngine.Connectors.Telegram.Tests.Support;
using RulesEngine.Core.Steps;
using RulesEngine.Emulation;

namespace RulesEngine.Connectors.Telegram.Tests;

/// <summary>Telegram puts the bot token in every URL; none of what the engine prints, stores or logs may carry it.</summary>
public sealed class TokenSecrecyTests : IAsyncLifetime
{
    private const string Secret = "SECRET-tg-token-part-0123456789";
    private const string Token = "5550001:" + Secret;
    private TelegramEmulator _emulator = null!;
    private TelegramClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TelegramEmulator.StartAsync();
        _emulator.AcceptToken(Token);
        _emulator.RestrictChats("-1001");
        _client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, Token));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    public static TheoryData<string> Scenarios => ["success", "chat not found", "500", "drop", "timeout", "429 too long", "wrong token"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    [Trait("Category", "Slow")] // its "timeout" scenario waits for real client timeouts (CONTRIBUTING.md)
    public async Task Token_NeverAppears_InOutcomesOrTheirCauses(string scenario)
    {
        var client = _client;
        var chat = "-1001";
        switch (scenario)
        {
            case "chat not found": chat = "-1002"; break;
            case "500": for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Status(500)); break;
            case "drop": for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Drop()); break;
            case "timeout":
                client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, Token, timeout: TimeSpan.FromMilliseconds(300)));
                // Never answered (held until the client disconnects): only the client's timeout ends each attempt.
                for (var i = 0; i < 3; i++) _emulator.Faults.FailNext(Fault.Slow(TimeSpan.FromMinutes(10)));
                break;
            case "429 too long": _emulator.Faults.FailNext(Fault.RateLimited(999)); break;
            case "wrong token": client = new TelegramClient(TestTelegram.Options(_emulator.BaseUrl, "5550002:" + Secret)); break;
        }

        var outcome = await TestTelegram.Sender(client).SendAsync(chat, "hello", default);

        Assert.True(scenario == "success" == (outcome.Status == OutcomeStatus.Succeeded), $"{scenario}: {outcome.Status} {outcome.Error}");
        AssertNoSecret(outcome.Error);
        AssertNoSecret(outcome.Cause?.ToString());
        AssertNoSecret(string.Join(",", outcome.Output.Values));
        if (scenario == "wrong token") Assert.Equal("Telegram 401: Unauthorized", outcome.Error);
        if (client != _client) client.Dispose();
    }

    [Fact]
    public async Task Token_NeverAppears_InExceptionsFromTheClient()
    {
        var e = await Assert.ThrowsAsync<TelegramException>(() => _client.SendMessageAsync("-1002", "hello"));

        Assert.False(e.Transient);
        Assert.Equal(400, e.ErrorCode);
        AssertNoSecret(e.Message);
        AssertNoSecret(e.ToString());
    }

    [Fact]
    public void Token_NeverAppears_InPreviews()
    {
        var preview = TestTelegram.Sender(_client).Preview("-1001", "the token is " + Token);

        var request = Assert.Single(preview.Requests);
        Assert.EndsWith("/bot***/sendMessage", request.Url, StringComparison.Ordinal);
        AssertNoSecret(request.Url);
        AssertNoSecret(request.Body);
    }

    [Fact]
    public void Token_NeverAppears_WhenOptionsAreInvalid()
    {
        var e = Assert.Throws<ArgumentException>(() => new TelegramClient(new TelegramOptions { BotToken = "not-valid-" + Secret }));

        AssertNoSecret(e.ToString());
    }

    private static void AssertNoSecret(string? text) => Assert.DoesNotContain(Secret, text ?? "", StringComparison.Ordinal);
}
