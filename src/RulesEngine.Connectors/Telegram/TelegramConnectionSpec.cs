using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram;

/// <summary>The settings of a <c>"telegram"</c> connection; <see cref="TelegramOptions.FromConnection"/> reads them.
/// Defaults follow Telegram's documented limits.</summary>
public static class TelegramConnectionSpec
{
    public const string BotTokenKey = "botToken";
    public const string BaseUrlKey = "baseUrl";
    public const string MaxAttemptsKey = "maxAttempts";
    public const string TimeoutSecondsKey = "timeoutSeconds";
    public const string RetryDelaySecondsKey = "retryDelaySeconds";
    public const string MaxRetryAfterSecondsKey = "maxRetryAfterSeconds";
    public const string PerChatIntervalSecondsKey = "perChatIntervalSeconds";
    public const string MessagesPerSecondKey = "messagesPerSecond";

    public static ConnectionSpec Spec { get; } = new(TelegramConnector.ConnectionType,
        "A Telegram bot, through the Bot API (sendMessage).",
        [
            ConnectionField.Secret(BotTokenKey, "the bot token from @BotFather (<digits>:<secret>); never printed", "${env:TELEGRAM_BOT_TOKEN}"),
            ConnectionField.Url(BaseUrlKey, "scheme and host of the Bot API server (a local Bot API server or an emulator); no path: the client always calls /bot<token>/<method> at the root",
                TelegramOptions.DefaultBaseUrl),
            ConnectionField.Integer(MaxAttemptsKey, "tries per message, the first included; only transient failures (429, 5xx, network, timeout) are retried", 4, 1, 20, example: 4),
            ConnectionField.Duration(TimeoutSecondsKey, "how long one try may take", 30, 0.05, 600, example: 30),
            ConnectionField.Duration(RetryDelaySecondsKey, "first backoff delay; it doubles per retry, with jitter (a 429's retry_after replaces it)", 1, 0, 300, example: 1),
            ConnectionField.Duration(MaxRetryAfterSecondsKey, "the longest retry_after waited out; a longer one holds the row for a later run instead of stalling it", 60, 0, 86_400, example: 60),
            ConnectionField.Duration(PerChatIntervalSecondsKey, "minimum gap between one message to a chat finishing and the next to that chat starting", 1, 0, 3_600, example: 1),
            ConnectionField.Integer(MessagesPerSecondKey, "messages per second across all chats", 30, 1, 1_000, example: 30),
        ])
    {
        SelfTest = "getMe (the bot's own account)",
    };
}
