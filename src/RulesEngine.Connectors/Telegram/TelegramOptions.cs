using System.Text.RegularExpressions;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// How a <see cref="TelegramClient"/> reaches the Bot API and how patiently it retries. Read from a
/// <c>"telegram"</c> connection by <see cref="FromConnection"/>; defaults follow Telegram's documented limits.
/// </summary>
public sealed partial class TelegramOptions
{
    public const string DefaultBaseUrl = "https://api.telegram.org";

    /// <summary><c>&lt;bot id&gt;:&lt;secret&gt;</c> as given by @BotFather. Never printed.</summary>
    public required string BotToken { get; init; }

    /// <summary>
    /// Scheme and authority of the Bot API server (a local Bot API server or an emulator). Telegram.Bot keeps only
    /// scheme, host and port of its base URL and appends <c>/bot{token}/{method}</c>, so a path here would be
    /// silently dropped; <see cref="FromConnection"/> rejects one instead.
    /// </summary>
    public string BaseUrl { get; init; } = DefaultBaseUrl;

    /// <summary>
    /// Tries per message (transient failures only: 429, 5xx, network, timeout), the per-try timeout, the backoff (a
    /// 429's <c>retry_after</c> replaces it) and the longest <c>retry_after</c> waited out: Telegram has asked for hours
    /// in flood cases, and beyond it the message is held for a later run instead of blocking the flow. By default
    /// those of <see cref="TelegramConnectionSpec.Retry"/>.
    /// </summary>
    public RetrySettings Retry { get; init; } = TelegramConnectionSpec.Retry.Defaults;

    /// <summary>Minimum time between two messages to one chat (Telegram: about one message a second per chat).</summary>
    public TimeSpan PerChatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Messages per second across all chats (Telegram: about 30).</summary>
    public int MessagesPerSecond { get; init; } = 30;

    /// <summary>
    /// Reads a <c>"telegram"</c> connection, already checked against <see cref="TelegramConnectionSpec"/>. Problems are
    /// reported on <paramref name="settings"/> (never thrown, and never with the token's value); the result is then null.
    /// </summary>
    public static TelegramOptions? FromConnection(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var token = settings.Secret(TelegramConnectionSpec.BotTokenKey);
        if (token is not null && !IsWellFormedToken(token))
            settings.Invalid(TelegramConnectionSpec.BotTokenKey,
                $"\"{TelegramConnectionSpec.BotTokenKey}\" is not a Telegram bot token (expected <digits>:<secret>, as @BotFather gives it; the value is not shown)");

        var baseUrl = settings.Url(TelegramConnectionSpec.BaseUrlKey);
        if (!settings.HasErrors && !TryNormalizeBaseUrl(baseUrl, out _, out var urlError))
            settings.Invalid(TelegramConnectionSpec.BaseUrlKey, $"\"{TelegramConnectionSpec.BaseUrlKey}\" {urlError}");
        if (settings.HasErrors || token is null) return null;
        TryNormalizeBaseUrl(baseUrl, out var normalized, out _);

        return new TelegramOptions
        {
            BotToken = token,
            BaseUrl = normalized,
            Retry = TelegramConnectionSpec.Retry.Read(settings),
            PerChatInterval = settings.Duration(TelegramConnectionSpec.PerChatIntervalSecondsKey),
            MessagesPerSecond = settings.Integer(TelegramConnectionSpec.MessagesPerSecondKey),
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
        if (Retry.Problem() is { } problem) return problem;
        if (MessagesPerSecond < 1) return "MessagesPerSecond must be at least 1";
        if (PerChatInterval < TimeSpan.Zero) return "delays cannot be negative";
        return null;
    }

    [GeneratedRegex(@"^[0-9]{1,16}:[^\s/?#]+$")]
    private static partial Regex TokenFormat();
}
