using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram;

/// <summary>The settings of a <c>"telegram"</c> connection; <see cref="TelegramOptions.FromConnection"/> reads them.
/// Defaults follow Telegram's documented limits.</summary>
public static class TelegramConnectionSpec
{
    public const string BotTokenKey = "botToken";
    public const string BaseUrlKey = "baseUrl";
    public const string PerChatIntervalSecondsKey = "perChatIntervalSeconds";
    public const string MessagesPerSecondKey = "messagesPerSecond";

    /// <summary>Tries, timeout and backoff. Telegram's own pacing (per chat, per second) is declared below, not here:
    /// it is not a per-minute budget.</summary>
    public static RetryFields Retry { get; } = new()
    {
        MaxAttempts = RetryFields.MaxAttemptsField("tries per message, the first included; only transient failures (429, 5xx, network, timeout) are retried", 4),
        Timeout = RetryFields.TimeoutField("how long one try may take", 30),
        RetryDelay = RetryFields.RetryDelayField("first backoff delay; it doubles per retry, with jitter (a 429's retry_after replaces it)", 1),
        MaxRetryAfter = RetryFields.MaxRetryAfterField("the longest retry_after waited out; a longer one holds the row for a later run instead of stalling it", 60, maximumSeconds: 86_400),
    };

    public static ConnectionSpec Spec { get; } = new(TelegramConnector.ConnectionType,
        "A Telegram bot, through the Bot API (sendMessage).",
        [
            ConnectionField.Secret(BotTokenKey, "the bot token from @BotFather (<digits>:<secret>); never printed", "${env:TELEGRAM_BOT_TOKEN}"),
            ConnectionField.Url(BaseUrlKey, "scheme and host of the Bot API server (a local Bot API server or an emulator); no path: the client always calls /bot<token>/<method> at the root",
                TelegramOptions.DefaultBaseUrl),
            .. Retry.Fields,
            ConnectionField.Duration(PerChatIntervalSecondsKey, "minimum gap between one message to a chat finishing and the next to that chat starting", 1, 0, 3_600, example: 1),
            ConnectionField.Integer(MessagesPerSecondKey, "messages per second across all chats", 30, 1, 1_000, example: 30),
        ])
    {
        SelfTest = "getMe (the bot's own account)",
    };
}
