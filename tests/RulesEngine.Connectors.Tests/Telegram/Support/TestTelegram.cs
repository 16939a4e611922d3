using RulesEngine.Connectors.Telegram;
using RulesEngine.Connectors.Telegram.Emulator;
using Telegram.Bot.Types.Enums;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram.Tests.Support;

/// <summary>Clients tuned for tests: near-zero backoff, a short retry_after limit and no pacing, so failure paths stay fast.</summary>
internal static class TestTelegram
{
    public static TelegramOptions Options(string baseUrl, string token = TelegramEmulator.DefaultToken, TimeSpan? perChatInterval = null, TimeSpan? timeout = null) => new()
    {
        BotToken = token,
        BaseUrl = baseUrl,
        Retry = new RetrySettings(MaxAttempts: 3, BaseDelay: TimeSpan.FromMilliseconds(10), MaxDelay: TimeSpan.FromSeconds(30))
        {
            // Generous enough for a cold first request on a heavily loaded machine; timeout tests pass their own.
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
            MaxRetryAfter = TimeSpan.FromSeconds(5),
        },
        PerChatInterval = perChatInterval ?? TimeSpan.Zero,
        MessagesPerSecond = 1000,
    };

    public static MessageSender Sender(TelegramClient client, ParseMode parseMode = ParseMode.None, bool disableLinkPreview = false) =>
        new(client, parseMode, disableLinkPreview);

    /// <summary>Requests that reached the emulator's sendMessage route.</summary>
    public static int SendRequests(TelegramEmulator emulator) =>
        emulator.Received.Count(r => r.Path.EndsWith("/sendMessage", StringComparison.OrdinalIgnoreCase));
}
