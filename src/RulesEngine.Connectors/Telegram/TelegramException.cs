using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Telegram;

/// <summary>
/// A send that did not succeed. <see cref="Transient"/> tells the caller whether Telegram answered no (false: a
/// permanent 4xx such as "chat not found") or gave no usable answer (true: unreachable, timed out, 429 or 5xx after
/// every retry). The message never contains the bot token, and neither does <see cref="ToString"/>, which also
/// covers the inner exception kept for logs.
/// </summary>
public sealed class TelegramException : Exception
{
    public TelegramException(string message, bool transient, int? errorCode = null, Exception? inner = null, bool mayHaveBeenSent = false)
        : base(message, inner)
    {
        Transient = transient;
        ErrorCode = errorCode;
        MayHaveBeenSent = mayHaveBeenSent;
    }

    /// <summary>
    /// True when an attempt ended without an answer after the request went out (a timeout, a connection lost
    /// mid-request, a non-Bot-API 5xx from a proxy): Telegram may have delivered the message. False when every
    /// attempt was answered by the Bot API (429, its own errors) or never connected.
    /// </summary>
    public bool MayHaveBeenSent { get; }

    public bool Transient { get; }

    /// <summary>The Bot API's <c>error_code</c> (the HTTP status), when there was an answer.</summary>
    public int? ErrorCode { get; }

    public override string ToString() => SecretRedactor.Redact(base.ToString());
}
