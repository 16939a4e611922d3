using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Email;

/// <summary>The declared shape of <c>email.send</c>: loading, <c>validate</c>, <c>list</c> and the schema read it.</summary>
internal static class SendEmailSpec
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
    public const string FieldDelivery = DeliveryPolicy.FieldName;

    public const string DeliveryAtLeastOnce = DeliveryPolicy.AtLeastOnce;
    public const string DeliveryAtMostOnce = DeliveryPolicy.AtMostOnce;

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
            new FieldSpec(FieldBcc, FieldKind.Template, "blind-copy recipients: " + AddressList + "; empty means none"),
            new FieldSpec(FieldFrom, FieldKind.Template,
                "the sender, overriding the connection's \"from\" (Gmail replaces it with the signed-in account unless it is one of its aliases)",
                Example: "RulesEngine <alerts@example.com>"),
            new FieldSpec(FieldReplyTo, FieldKind.Template, "where replies go: " + AddressList),
            new FieldSpec(FieldSubject, FieldKind.Template, "the subject line (line breaks become spaces)", Required: true,
                Example: "Could not create HelpCrunch contact {Email}"),
            new FieldSpec(FieldBody, FieldKind.Template, "the plain-text body, over several lines if needed", Required: true,
                Example: "Row {Row.Number}: {Email}\nError: {create.Error}\nRun: {Run.Link}"),
            new FieldSpec(FieldHtml, FieldKind.Template,
                "an optional HTML version of the body; the message then carries both and mail programs show the HTML. " +
                "Values are inserted as they are, not HTML-escaped"),
            DeliveryPolicy.Field(
                "what to do with a message whose sending was cut off after its data went out (a crash, a timeout, a dropped connection: the " +
                "server may or may not have taken it). atLeastOnce (default): send it again, so an e-mail alert is never silently lost, at the " +
                "price of a rare duplicate (output resent: 1). atMostOnce: never send it again; the step fails with output deliveryUnknown: 1. " +
                "A message the server refused with a reply (4xx), or that failed before its data went out, is always sent again"),
        ],
        EmailOptions.ConnectionType);
}
