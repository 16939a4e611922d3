using MimeKit;
using MimeKit.Utils;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// One message as a step rendered it for one item: plain text for every field. <see cref="TryCompose"/> checks it
/// and builds the MIME message, so an unusable item fails with a reason before any connection is opened.
/// </summary>
internal sealed record EmailDraft(string To, string Cc, string Bcc, string From, string ReplyTo, string Subject, string Body, string Html)
{
    public bool TryCompose(MailboxAddress? defaultFrom, out MimeMessage message, out string error)
    {
        message = null!;
        var problems = new List<string>();
        var to = Addresses(SendEmailStep.FieldTo, To, problems);
        var cc = Addresses(SendEmailStep.FieldCc, Cc, problems);
        var bcc = Addresses(SendEmailStep.FieldBcc, Bcc, problems);
        var replyTo = Addresses(SendEmailStep.FieldReplyTo, ReplyTo, problems);
        if (to.Count == 0 && problems.Count == 0) problems.Add($"\"{SendEmailStep.FieldTo}\" is empty for this item: there is nobody to send to");

        MailboxAddress? from = defaultFrom;
        if (From.Trim().Length > 0)
        {
            if (EmailAddresses.TryParseMailbox(From, out var given, out var fromError)) from = given;
            else problems.Add($"\"{SendEmailStep.FieldFrom}\": {fromError}");
        }
        else if (from is null)
        {
            problems.Add($"no sender: set \"{SendEmailStep.FieldFrom}\" on the step or \"from\" on the e-mail connection");
        }
        if (string.IsNullOrWhiteSpace(Body) && string.IsNullOrWhiteSpace(Html)) problems.Add("the message body is empty");

        if (problems.Count > 0)
        {
            error = string.Join("; ", problems);
            return false;
        }

        message = new MimeMessage();
        message.From.Add(from!);
        message.To.AddRange(to);
        message.Cc.AddRange(cc);
        message.Bcc.AddRange(bcc);
        message.ReplyTo.AddRange(replyTo);
        // A header cannot hold a line break; a multi-line cell in the subject becomes one line.
        message.Subject = string.Join(' ', Subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(Domain(from!));
        var builder = new BodyBuilder { TextBody = Body };
        if (!string.IsNullOrWhiteSpace(Html)) builder.HtmlBody = Html;
        message.Body = builder.ToMessageBody();
        error = "";
        return true;
    }

    private static List<MailboxAddress> Addresses(string field, string text, List<string> problems)
    {
        if (EmailAddresses.TryParseList(text, out var list, out var error)) return list;
        problems.Add($"\"{field}\": {error}");
        return [];
    }

    private static string Domain(MailboxAddress from)
    {
        var at = from.Address.LastIndexOf('@');
        return at >= 0 ? from.Address[(at + 1)..] : "localhost";
    }
}
