using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// A message that was not sent. <see cref="Transient"/> separates "the server said no for good" (false: a 5xx
/// reply such as an unknown recipient, a refused sign-in, an unusable TLS setting) from "no usable answer" (true:
/// a 4xx reply, a refused or dropped connection, a timeout, after every retry). The message never holds the password.
/// </summary>
public sealed class EmailException(string message, bool transient, int? replyCode = null, Exception? inner = null)
    : Exception(SecretRedactor.Redact(message), inner)
{
    public bool Transient { get; } = transient;

    /// <summary>True when an attempt ended without the server's final reply after the message data went out (a
    /// timeout or a dropped connection during or after DATA): the message may have been delivered. False when every
    /// attempt was refused with a reply or failed before the data was sent.</summary>
    public bool MayHaveBeenSent { get; init; }

    /// <summary>The SMTP reply code (e.g. 550, 451), when the server answered with one.</summary>
    public int? ReplyCode { get; } = replyCode;

    public override string ToString() => SecretRedactor.Redact(base.ToString());
}
