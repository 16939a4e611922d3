using RulesEngine.Core.Steps;

namespace RulesEngine.Connectors.Telegram;

/// <summary>The declared shape of <c>telegram.sendMessage</c>: loading, <c>validate</c>, <c>list</c> and the schema read it.</summary>
internal static class SendMessageSpec
{
    public const string Type = "telegram.sendMessage";
    public const string ConnectionType = TelegramConnector.ConnectionType;

    public const string FieldConnection = "connection";
    public const string FieldChatId = "chatId";
    public const string FieldText = "text";
    public const string FieldParseMode = "parseMode";
    public const string FieldDisableLinkPreview = "disableLinkPreview";
    public const string FieldDelivery = DeliveryPolicy.FieldName;

    public const string DeliveryAtLeastOnce = DeliveryPolicy.AtLeastOnce;
    public const string DeliveryAtMostOnce = DeliveryPolicy.AtMostOnce;

    public const string ParseModeNone = "none";
    public const string ParseModeHtml = "HTML";
    public const string ParseModeMarkdownV2 = "MarkdownV2";
    public const string ParseModeMarkdown = "Markdown";

    public static readonly StepSpec Spec = new(
        Type,
        "Send a text message to a Telegram chat, group or channel the bot was added to. Output: messageId (the first " +
        "message), messageIds (all of them, comma-separated).",
        [
            new FieldSpec(FieldConnection, FieldKind.Text, "name of a \"telegram\" connection (the bot token)", Required: true, Example: "telegram"),
            new FieldSpec(FieldChatId, FieldKind.Template,
                "the chat: a numeric id (groups are negative, supergroups and channels -100...) or a public @username",
                Required: true, Example: "-1001234567890"),
            new FieldSpec(FieldText, FieldKind.Template,
                "the message, over several lines if needed. Empty text fails the step. Text over 4096 characters is sent as " +
                "several messages, cut at line breaks where possible; the step succeeds only when every part was sent",
                Required: true, Example: "Could not create {Email}:\n{create.Error}\n{Run.Link}"),
            new FieldSpec(FieldParseMode, FieldKind.Text, "how Telegram formats the text; default none (plain text)",
                AllowedValues: [ParseModeNone, ParseModeHtml, ParseModeMarkdownV2, ParseModeMarkdown], Example: ParseModeHtml),
            new FieldSpec(FieldDisableLinkPreview, FieldKind.Boolean, "true to send links without a preview; default false", Example: "true"),
            DeliveryPolicy.Field(
                "what to do with a message whose send was cut off mid-flight (a crash, a timeout: Telegram may or may not have delivered it). " +
                "atLeastOnce (default): send it again, so an alert is never silently lost, at the price of a rare duplicate (output resent: 1). " +
                "atMostOnce: never send it again; the step fails with output deliveryUnknown: 1 and the row is listed for a person. " +
                "A send Telegram certainly refused (429, its own error answers, a refused connection) is always sent again"),
        ],
        ConnectionType);
}
