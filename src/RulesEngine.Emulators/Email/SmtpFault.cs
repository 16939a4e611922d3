namespace RulesEngine.Connectors.Email.Emulator;

/// <summary>Where in an SMTP session a fault strikes.</summary>
public enum SmtpStage
{
    /// <summary>The server's first line, before the client says anything.</summary>
    Greeting,
    /// <summary>The answer to AUTH.</summary>
    Auth,
    /// <summary>The answer to MAIL FROM.</summary>
    MailFrom,
    /// <summary>The answer to RCPT TO.</summary>
    RcptTo,
    /// <summary>The answer after the message text (the end of DATA): the moment the server takes the message.</summary>
    Data,
}

/// <summary>
/// A failure the emulator injects once, at the first session that reaches <see cref="Stage"/>: a reply code
/// (4xx "try later", 5xx "no"), a connection closed without an answer, an answer that comes too late, or a line that
/// is no SMTP reply at all (<see cref="Garbage"/>).
/// </summary>
public sealed record SmtpFault(SmtpStage Stage, int ReplyCode = 0, string Text = "", bool Drop = false, TimeSpan Delay = default)
{
    /// <summary>For <see cref="Garbage"/>: the line sent instead of a reply, after which the connection is closed.</summary>
    public string? Raw { get; init; }

    /// <summary>Answers <paramref name="line"/> (not an SMTP reply: "HTTP/1.1 200 OK", "250" cut short, text without a
    /// code) and closes the connection: a malformed answer, which must hold the item, never count as sent.</summary>
    public static SmtpFault Garbage(SmtpStage stage, string line) => new(stage) { Raw = line };

    /// <summary>Malformed answers by name, for fault injection and the hostile-answers corpus.</summary>
    public static IReadOnlyDictionary<string, string> MalformedReplies { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["an HTTP status line"] = "HTTP/1.1 200 OK",
        ["no reply code"] = "OK, message queued",
        ["a code out of range"] = "999 2.0.0 whatever",
        ["a binary line"] = "",
    };

    public static SmtpFault Reply(SmtpStage stage, int code, string? text = null) =>
        new(stage, code, text ?? DefaultText(code));

    public static SmtpFault DropConnection(SmtpStage stage) => new(stage, Drop: true);

    public static SmtpFault Slow(SmtpStage stage, TimeSpan delay) => new(stage, Delay: delay);

    private static string DefaultText(int code) => code switch
    {
        421 => "4.3.2 Service not available, closing transmission channel",
        450 => "4.2.1 Mailbox temporarily unavailable",
        451 => "4.3.0 Local error in processing, try again later",
        452 => "4.5.3 Insufficient system storage",
        454 => "4.7.0 Temporary authentication failure",
        535 => "5.7.8 Username and Password not accepted",
        550 => "5.1.1 The email account that you tried to reach does not exist",
        552 => "5.3.4 Message size exceeds fixed limit",
        553 => "5.1.3 Mailbox name not allowed",
        554 => "5.7.1 Message rejected as spam",
        _ => code >= 500 ? "5.0.0 Permanent failure" : "4.0.0 Temporary failure",
    };
}
