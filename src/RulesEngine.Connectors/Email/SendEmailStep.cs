using System.Text;
using MimeKit;
using RulesEngine.Sdk;

namespace RulesEngine.Connectors.Email;

/// <summary>
/// <c>email.send</c>: renders the addresses, subject and body for each item and sends one message per item, in
/// order. Succeeded when the server accepted the message; Failed when it refused it for good (5xx, an invalid
/// address, a refused sign-in) or the item cannot make a message; Held when the server could not be reached or kept
/// answering "later" (4xx) after every retry. A template that fails for an item fails that item only.
/// <para>
/// Delivery policy (<c>"delivery"</c>), applied to a message whose sending was cut off after its data went out (the
/// in-flight marker survived a crash, or the call ended without the final reply): <c>atLeastOnce</c> (default) sends
/// it again (output <c>resent</c>: 1); <c>atMostOnce</c> records it as failed with <c>deliveryUnknown</c>: 1. The
/// default is at-least-once because an e-mail alert exists so that a failure is never silent, a duplicate needs the
/// server's final reply to be lost after it took the message (rare), and it is what this step always did.
/// </para>
/// </summary>
internal sealed class SendEmailStep(EmailClient client, SendEmailStep.Templates templates, bool atMostOnce = false) : IResumableReceiver
{
    public const string Type = "email.send";

    public const string FieldConnection = "connection";
    public const string FieldTo = "to";
    public const string FieldCc = "cc";
    public const string FieldBcc = "bcc";
    public const string FieldFrom = "from";
    public const string FieldReplyTo = "replyTo";
    public const string FieldSubject = "subject";
    public const string FieldBody = "body";
    public const string FieldHtml = "html";

    public const string OutputMessageId = "messageId";
    public const string OutputRecipients = "recipients";
    public const string OutputDeliveryUnknown = DeliveryPolicy.OutputDeliveryUnknown;
    public const string OutputResent = DeliveryPolicy.OutputResent;

    private const string AddressList =
        "comma- or semicolon-separated addresses, bare (ops@example.com) or with a name (Ops <ops@example.com>)";

    public static readonly StepSpec Spec = new(
        Type,
        "Send an e-mail through an SMTP server (Gmail with an app password, or any other). Output: messageId (the " +
        "Message-Id header, without angle brackets), recipients (every address it went to, comma-separated).",
        [
            new FieldSpec(FieldConnection, FieldKind.Text, "name of an \"email\" connection (SMTP server and account)", Required: true, Example: "email"),
            new FieldSpec(FieldTo, FieldKind.Template, "recipients: " + AddressList + ". An invalid address fails the item before anything is sent",
                Required: true, Example: "ops@example.com, {OwnerEmail}"),
            new FieldSpec(FieldCc, FieldKind.Template, "copy recipients: " + AddressList + "; empty means none", Example: "team-lead@example.com"),
            new FieldSpec(FieldBcc, FieldKind.Template, "blind-copy recipients: " + AddressList + "; empty means none", Example: "audit@example.com"),
            new FieldSpec(FieldFrom, FieldKind.Template,
                "the sender, overriding the connection's \"from\" (Gmail replaces it with the signed-in account unless it is one of its aliases)",
                Example: "RulesEngine <alerts@example.com>"),
            new FieldSpec(FieldReplyTo, FieldKind.Template, "where replies go: " + AddressList, Example: "support@example.com"),
            new FieldSpec(FieldSubject, FieldKind.Template, "the subject line (line breaks become spaces)", Required: true,
                Example: "Could not create HelpCrunch contact {Email}"),
            new FieldSpec(FieldBody, FieldKind.Template, "the plain-text body, over several lines if needed", Required: true,
                Example: "Row {Row.Number}: {Email}\nError: {create.Error}\nRun: {Run.Link}"),
            new FieldSpec(FieldHtml, FieldKind.Template,
                "an optional HTML version of the body; the message then carries both and mail programs show the HTML. " +
                "Values are inserted as they are, not HTML-escaped",
                Example: "<p>Row {Row.Number}: <b>{Email}</b></p>"),
            DeliveryPolicy.Field(
                "what to do with a message whose sending was cut off after its data went out (a crash, a timeout, a dropped connection: the " +
                "server may or may not have taken it). atLeastOnce (default): send it again, so an e-mail alert is never silently lost, at the " +
                "price of a rare duplicate (output resent: 1). atMostOnce: never send it again; the step fails with output deliveryUnknown: 1. " +
                "A message the server refused with a reply (4xx), or that failed before its data went out, is always sent again"),
        ],
        EmailOptions.ConnectionType)
    {
        Errors = [new(InvalidAddressCode, "an address written without placeholders is not a valid address")],
    };

    public const string InvalidAddressCode = "EM0201";

    /// <summary>The step's compiled templates; the optional ones are null when not set.</summary>
    internal sealed record Templates(
        CompiledTemplate To, CompiledTemplate? Cc, CompiledTemplate? Bcc, CompiledTemplate? From, CompiledTemplate? ReplyTo,
        CompiledTemplate Subject, CompiledTemplate Body, CompiledTemplate? Html);

    /// <summary>Reads the step's settings; problems go to <paramref name="config"/>, and a step that has any is never run.</summary>
    public static IReceiver? Create(StepConfig config)
    {
        var client = config.Connection<EmailClient>();
        var to = config.Template(SendEmailStep.FieldTo);
        var cc = config.Template(SendEmailStep.FieldCc);
        var bcc = config.Template(SendEmailStep.FieldBcc);
        var from = config.Template(SendEmailStep.FieldFrom);
        var replyTo = config.Template(SendEmailStep.FieldReplyTo);
        var subject = config.Template(SendEmailStep.FieldSubject);
        var body = config.Template(SendEmailStep.FieldBody);
        var html = config.Template(SendEmailStep.FieldHtml);

        // Addresses written without placeholders can be checked now rather than failing every item later.
        CheckLiteral(config, SendEmailStep.FieldTo, to, list: true);
        CheckLiteral(config, SendEmailStep.FieldCc, cc, list: true);
        CheckLiteral(config, SendEmailStep.FieldBcc, bcc, list: true);
        CheckLiteral(config, SendEmailStep.FieldReplyTo, replyTo, list: true);
        CheckLiteral(config, SendEmailStep.FieldFrom, from, list: false);

        if (client is null || to is null || subject is null || body is null) return null;
        var atMostOnce = DeliveryPolicy.IsAtMostOnce(config);
        return new SendEmailStep(client, new Templates(to, cc, bcc, from, replyTo, subject, body, html), atMostOnce);
    }

    public Task<IReadOnlyList<StepOutcome>> ExecuteAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken) =>
        ItemByItem.ExecuteAsync(items, ComposeAndSendAsync, cancellationToken);

    public Task<IReadOnlyList<StepPreview>> PreviewAsync(IReadOnlyList<ItemScope> items, CancellationToken cancellationToken)
    {
        IReadOnlyList<StepPreview> previews = items
            .Select(item => Compose(item, out var message) is { } failed
                ? new StepPreview([], failed)
                : new StepPreview([Preview(message)], StepOutcome.Success(Output(message))))
            .ToList();
        return Task.FromResult(previews);
    }

    public Task<IReadOnlyList<StepOutcome?>> ResumeAsync(IReadOnlyList<ItemScope> items, IReadOnlyList<InterruptedCall> interrupted, CancellationToken cancellationToken) =>
        DeliveryPolicy.ResumeAsync(items, interrupted, atMostOnce, "the server's final reply", ComposeAndSendAsync, cancellationToken);

    private async Task<StepOutcome> ComposeAndSendAsync(ItemScope item, CancellationToken cancellationToken) =>
        Compose(item, out var message) is { } failed ? failed : await SendAsync(message, cancellationToken).ConfigureAwait(false);

    /// <summary>Sends one composed message and turns the result into an outcome.</summary>
    internal async Task<StepOutcome> SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendAsync(message, cancellationToken, repeatUncertain: !atMostOnce).ConfigureAwait(false);
            return StepOutcome.Success(Output(message));
        }
        catch (EmailException e)
        {
            return e.Transient ? StepOutcome.Held(e.Message, e) with { NoEffect = !e.MayHaveBeenSent } : StepOutcome.Failure(e.Message, e);
        }
    }

    private StepOutcome? Compose(ItemScope item, out MimeMessage message)
    {
        message = null!;
        EmailDraft draft;
        try
        {
            draft = new EmailDraft(
                templates.To.Render(item),
                templates.Cc?.Render(item) ?? "",
                templates.Bcc?.Render(item) ?? "",
                templates.From?.Render(item) ?? "",
                templates.ReplyTo?.Render(item) ?? "",
                templates.Subject.Render(item),
                templates.Body.Render(item),
                templates.Html?.Render(item) ?? "");
        }
        catch (ExpressionException e)
        {
            return StepOutcome.Failure(e.Message, e);
        }
        return draft.TryCompose(client.Options.DefaultFrom, out message, out var error) ? null : StepOutcome.Failure(error);
    }

    private RequestPreview Preview(MimeMessage message)
    {
        var text = new StringBuilder();
        text.Append("From: ").AppendLine(message.From.ToString());
        text.Append("To: ").AppendLine(message.To.ToString());
        if (message.Cc.Count > 0) text.Append("Cc: ").AppendLine(message.Cc.ToString());
        if (message.Bcc.Count > 0) text.Append("Bcc: ").AppendLine(message.Bcc.ToString());
        if (message.ReplyTo.Count > 0) text.Append("Reply-To: ").AppendLine(message.ReplyTo.ToString());
        text.Append("Subject: ").AppendLine(message.Subject);
        text.AppendLine();
        text.Append(message.TextBody);
        if (message.HtmlBody is { } html) text.AppendLine().AppendLine().AppendLine("(HTML part)").Append(html);
        return new RequestPreview("SMTP", $"smtp://{client.Options.Host}:{client.Options.EffectivePort}", SecretRedactor.Redact(text.ToString()));
    }

    private static Dictionary<string, string> Output(MimeMessage message) => new(StringComparer.Ordinal)
    {
        [SendEmailStep.OutputMessageId] = message.MessageId ?? "",
        [SendEmailStep.OutputRecipients] = string.Join(",", message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(m => m.Address)),
    };

    private static void CheckLiteral(StepConfig config, string field, CompiledTemplate? template, bool list)
    {
        if (template is null || template.Text.Contains('{', StringComparison.Ordinal)) return;
        var valid = list
            ? EmailAddresses.TryParseList(template.Text, out _, out var error)
            : EmailAddresses.TryParseMailbox(template.Text, out _, out error);
        if (!valid) config.Error(field, InvalidAddressCode, $"\"{field}\": {error}");
    }
}
