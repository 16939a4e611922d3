using System.Globalization;
using System.Text.RegularExpressions;
using RulesEngine.Core.Connections;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// How a <see cref="TelegramClient"/> reaches the Bot API and how patiently it retries. Read from a
/// <c>"telegram"</c> connection by <see cref="FromConnection"/>; defaults follow Telegram's documented limits.
/// </summary>
public sealed partial class TelegramOptions
{
    public const string DefaultBaseUrl = "https://api.telegram.org";

    // Connection file keys.
    internal const string BotTokenKey = "botToken";
    internal const string BaseUrlKey = "baseUrl";
    internal const string MaxAttemptsKey = "maxAttempts";
    internal const string TimeoutSecondsKey = "timeoutSeconds";
    internal const string RetryDelaySecondsKey = "retryDelaySeconds";
    internal const string MaxRetryAfterSecondsKey = "maxRetryAfterSeconds";
    internal const string PerChatIntervalSecondsKey = "perChatIntervalSeconds";
    internal const string MessagesPerSecondKey = "messagesPerSecond";

    /// <summary><c>&lt;bot id&gt;:&lt;secret&gt;</c> as given by @BotFather. Never printed.</summary>
    public required string BotToken { get; init; }

    /// <summary>
    /// Scheme and authority of the Bot API server (a local Bot API server or an emulator). Telegram.Bot keeps only
    /// scheme, host and port of its base URL and appends <c>/bot{token}/{method}</c>, so a path here would be
    /// silently dropped; <see cref="FromConnection"/> rejects one instead.
    /// </summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>Total tries per message, the first included. Transient failures only (429, 5xx, network, timeout).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>How long one try may take before it counts as a transient failure.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First backoff delay; it doubles per retry, with jitter. A 429's <c>retry_after</c> replaces it.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest <c>retry_after</c> a flow waits out. Telegram has asked for hours in flood cases; beyond this the
    /// message is held for a later run instead of blocking the flow.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Minimum time between two messages to one chat (Telegram: about one message a second per chat).</summary>
    public TimeSpan PerChatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per second across all chats (Telegram: about 30).</summary>
    public int MessagesPerSecond { get; init; } = 30;

    /// <summary>
    /// Reads a <c>"telegram"</c> connection. Every problem is reported on <paramref name="settings"/> (never thrown,
    /// and never with the token's value); the result is then null.
    /// </summary>
    public static TelegramOptions? FromConnection(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ok = true;
        var token = settings.Secret(BotTokenKey, "the bot token from @BotFather, e.g. \"${env:TELEGRAM_BOT_TOKEN}\"");
        if (token.Length > 0 && !IsWellFormedToken(token))
        {
            settings.Error(BotTokenKey, "RE1201",
                $"connection '{settings.Name}': \"{BotTokenKey}\" is not a Telegram bot token (expected <digits>:<secret>, as @BotFather gives it; the value is not shown)");
            ok = false;
        }
        ok &= token.Length > 0;

        var baseUrl = settings.Optional(BaseUrlKey, DefaultBaseUrl)!;
        if (!TryNormalizeBaseUrl(baseUrl, out var normalized, out var urlError))
        {
            settings.Error(BaseUrlKey, "RE1202", $"connection '{settings.Name}': \"{BaseUrlKey}\" {urlError}");
            ok = false;
        }

        var maxAttempts = Number(settings, MaxAttemptsKey, 4, 1, 20, ref ok, whole: true);
        var timeout = Number(settings, TimeoutSecondsKey, 30, 0.05, 600, ref ok);
        var retryDelay = Number(settings, RetryDelaySecondsKey, 1, 0, 300, ref ok);
        var maxRetryAfter = Number(settings, MaxRetryAfterSecondsKey, 60, 0, 86400, ref ok);
        var perChat = Number(settings, PerChatIntervalSecondsKey, 1, 0, 3600, ref ok);
        var perSecond = Number(settings, MessagesPerSecondKey, 30, 1, 1000, ref ok, whole: true);
        if (!ok) return null;

        return new TelegramOptions
        {
            BotToken = token,
            BaseUrl = normalized,
            MaxAttempts = (int)maxAttempts,
            Timeout = TimeSpan.FromSeconds(timeout),
            RetryDelay = TimeSpan.FromSeconds(retryDelay),
            MaxRetryAfter = TimeSpan.FromSeconds(maxRetryAfter),
            PerChatInterval = TimeSpan.FromSeconds(perChat),
            MessagesPerSecond = (int)perSecond,
        };
    }

    /// <summary>The rule Telegram.Bot applies: 1 to 16 digits (the bot id), a colon, then the secret.</summary>
    internal static bool IsWellFormedToken(string token) => TokenFormat().IsMatch(token);

    /// <summary>Reduces a base URL to what Telegram.Bot will actually use; a path, query or fragment is an error.</summary>
    internal static bool TryNormalizeBaseUrl(string baseUrl, out string normalized, out string error)
    {
        normalized = DefaultBaseUrl;
        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            error = $"must be an absolute http(s) URL such as \"{DefaultBaseUrl}\", not '{baseUrl}'";
            return false;
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            error = $"must be scheme and host only (e.g. \"http://127.0.0.1:8081\"): Telegram.Bot drops the path of '{baseUrl}' and always calls /bot<token>/<method> at the root";
            return false;
        }
        normalized = uri.GetLeftPart(UriPartial.Authority);
        error = "";
        return true;
    }

    internal string? Validate()
    {
        if (!IsWellFormedToken(BotToken)) return "the bot token is not of the form <digits>:<secret>";
        if (!TryNormalizeBaseUrl(BaseUrl, out _, out var error)) return "baseUrl " + error;
        if (MaxAttempts < 1) return "MaxAttempts must be at least 1";
        if (Timeout < TimeSpan.FromMilliseconds(10)) return "Timeout must be at least 10 ms";
        if (MessagesPerSecond < 1) return "MessagesPerSecond must be at least 1";
        if (RetryDelay < TimeSpan.Zero || PerChatInterval < TimeSpan.Zero || MaxRetryAfter < TimeSpan.Zero)
            return "delays cannot be negative";
        return null;
    }

    private static double Number(ConnectionSettings settings, string key, double defaultValue, double min, double max, ref bool ok, bool whole = false)
    {
        var text = settings.Optional(key);
        if (text is null) return defaultValue;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max && (!whole || value == Math.Floor(value)))
            return value;
        settings.Error(key, "RE1203", $"connection '{settings.Name}': \"{key}\" must be a {(whole ? "whole number" : "number")} from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'");
        ok = false;
        return defaultValue;
    }

    [GeneratedRegex(@"^[0-9]{1,16}:[^\s/?#]+$")]
    private static partial Regex TokenFormat();
}
