using MimeKit;

namespace RulesEngine.Connectors.Email.Emulator;

/// <summary>
/// One message the emulator accepted: the SMTP envelope (MAIL FROM, every RCPT TO, the account that signed in),
/// the raw text as sent after DATA, and that text parsed as MIME.
/// </summary>
public sealed record ReceivedEmail(string MailFrom, IReadOnlyList<string> Recipients, string? SignedInAs, string Data, MimeMessage Message)
{
    public string Subject => Message.Subject ?? "";
    public string? TextBody => Message.TextBody;
    public string? HtmlBody => Message.HtmlBody;
    public string MessageId => Message.MessageId ?? "";
    public IReadOnlyList<string> To => [.. Message.To.Mailboxes.Select(m => m.Address)];
    public IReadOnlyList<string> Cc => [.. Message.Cc.Mailboxes.Select(m => m.Address)];
}
